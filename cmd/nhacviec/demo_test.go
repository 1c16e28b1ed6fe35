package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The demo shows the whole loop from a script a newcomer could type.
func TestDemoShowsTheLoop(t *testing.T) {
	script := strings.Join([]string{
		"lead> /giao @an Báo cáo <b>tuần</b> & số liệu hạn mai",
		"lead> /giao @binh Tổng hợp hạn hôm nay",
		"an>> /viec",
		":sau 1d",
		"lead> /quahan",
		"an> /xong 1",
		"lead>> /ngaynghi",
		"nobody> /viec",
		":sau abc",
		":thoat",
	}, "\n")
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(script), Stdout: &out, Stderr: &out, Getenv: env(nil)}
	if err := m.Run(context.Background(), []string{"demo"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Đã giao việc #1 cho @an",
		"Báo cáo <b>tuần</b> & số liệu", // shown exactly as typed
		"@lead giao cho bạn việc #1",
		"@binh chưa mở chat riêng",
		"Điểm việc sáng",
		"Hôm nay đến hạn việc #1",
		"Việc #2 đã quá hạn",
		"Việc quá hạn",
		"Đã xong việc #1",
		"Ngày nghỉ năm",
		"không có thành viên",
		"không hiểu khoảng thời gian",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo never showed %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}
