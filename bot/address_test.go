package bot

import "testing"

func TestCommandTarget(t *testing.T) {
	for _, c := range []struct{ in, name, target string }{
		{"/giao@nhacviec_bot @an việc hạn mai", "giao", "nhacviec_bot"},
		{"/giao@nhacviec_bot\n@an việc hạn mai", "giao", "nhacviec_bot"},
		{"/XONG@NhacViec_Bot 12", "xong", "NhacViec_Bot"},
		{"/viec", "viec", ""},
		{"/viec @an", "viec", ""},
		{"/thongke@other_bot", "thongke", "other_bot"},
	} {
		name, _, ok := parseCommand(c.in)
		if !ok || name != c.name {
			t.Errorf("parseCommand(%q) = %q, %v; want %q", c.in, name, ok, c.name)
		}
		if got := commandTarget(c.in); got != c.target {
			t.Errorf("commandTarget(%q) = %q, want %q", c.in, got, c.target)
		}
	}
	if _, _, ok := parseCommand("/@nhacviec_bot"); ok {
		t.Error(`"/@nhacviec_bot" was taken for a command`)
	}
}
