package main

import (
	"bytes"
	"testing"
)

// NHACVIEC_CHAT_PACE=off (benchmarks only) lifts the per-chat pace; any
// other value than on or off is refused.
func TestChatPaceKnob(t *testing.T) {
	for _, c := range []struct {
		env, flag string
		off, bad  bool
	}{{"", "", false, false}, {"off", "", true, false}, {"on", "", false, false}, {"off", "on", false, false}, {"", "off", true, false}, {"nope", "", false, true}} {
		m := &Main{Stderr: &bytes.Buffer{}, Getenv: env(map[string]string{"NHACVIEC_CHAT_PACE": c.env})}
		var args []string
		if c.flag != "" {
			args = []string{"-chat-pace", c.flag}
		}
		cfg, err := m.config("run", args)
		if c.bad {
			if err == nil {
				t.Errorf("NHACVIEC_CHAT_PACE=%q accepted", c.env)
			}
			continue
		}
		if err != nil || cfg.NoChatPace != c.off {
			t.Errorf("env %q flag %q: NoChatPace = %v, %v", c.env, c.flag, cfg != nil && cfg.NoChatPace, err)
		}
	}
}
