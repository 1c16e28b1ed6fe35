-- Answers to people go out before reminders and digests waiting their
-- turn: at 08:00 a department's reminders take minutes at Telegram's
-- rate, and a reply queued behind them would too. This index holds the
-- pending answers (the kinds must match store.urgentKinds exactly, or
-- SQLite will not use it).
CREATE INDEX outbox_urgent ON outbox (not_before, chat_id)
	WHERE state = 'pending' AND kind IN ('reply', 'notice', 'answer', 'edit', 'menu');
