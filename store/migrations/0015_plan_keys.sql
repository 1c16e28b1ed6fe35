-- A planned message's key now starts with the day of its slot
-- ("2026-12-03/nudge:12:2026-12-03:5" for "nudge:12:2026-12-03:5"). The
-- keys were ordered by task, so the ten thousand messages of an 08:00
-- pass each landed on a page of their own in the unique index on key, a
-- page read and written per message once history had grown to millions
-- of rows; by day, a pass writes next to the keys of the day before.
--
-- The keys the scheduler may still look for are rewritten, so that
-- nothing planned before the upgrade is planned again: those of open
-- tasks (an overdue task's overdue notice is looked for every morning)
-- and the digests (keyed by their day). A closed task is never planned
-- again; its keys stay as they were. Every row is kept.
UPDATE outbox SET key = (
	CASE
		WHEN key LIKE 'reminder:%:before:%' THEN substr(key, instr(key, ':before:') + 8, 10)
		WHEN key LIKE 'reminder:%:due:%' THEN substr(key, instr(key, ':due:') + 5, 10)
		WHEN key LIKE 'nudge:%' THEN substr(key, 7 + instr(substr(key, 7), ':'), 10)
		WHEN key LIKE 'overdue:%' THEN
			substr(key, 9 + instr(substr(key, 9), ':'), 4) || '-' ||
			substr(key, 13 + instr(substr(key, 9), ':'), 2) || '-' ||
			substr(key, 15 + instr(substr(key, 9), ':'), 2)
		WHEN key LIKE 'digest:%' THEN substr(key, 8 + instr(substr(key, 8), ':'), 10)
	END) || '/' || key
WHERE (key LIKE 'reminder:%' OR key LIKE 'nudge:%' OR key LIKE 'overdue:%' OR key LIKE 'digest:%')
	AND (task_id IS NULL OR task_id IN (SELECT id FROM tasks WHERE status = 'open'));
