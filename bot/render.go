package bot

import (
	"context"

	nhacviec "github.com/nhacviec/nhacviec"
)

// render makes what m carries from its recipe (m.Attach) through
// Sender.Render, just before m is sent: its text, its file. It reports
// whether m may be sent; when not, m's failure is recorded (a recipe the
// renderer refuses is given up, any other error retried as a 5xx is) and
// goOn says whether the chat may go on.
func (s *Sender) render(ctx context.Context, m *nhacviec.Outgoing) (ok, goOn bool) {
	var err error
	if s.Render == nil {
		err = nhacviec.Errorf(nhacviec.EInternal, "no renderer")
	} else {
		err = s.Render(ctx, m)
	}
	switch {
	case err == nil:
		return true, true
	case nhacviec.ErrorCode(err) == nhacviec.EInternal && s.Render != nil:
		return false, s.failed(ctx, []*nhacviec.Outgoing{m}, &SendError{Err: err, Temporary: true})
	}
	return false, s.failed(ctx, []*nhacviec.Outgoing{m}, err)
}
