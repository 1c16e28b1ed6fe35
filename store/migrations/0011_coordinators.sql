-- Coordinators (phối hợp): a task's parts given to other people or units,
-- each with its own deadline, delivered on its own. A new table only:
-- every existing row stays as it is. (IF NOT EXISTS: a database rewound
-- to an earlier version, as a test does, migrates again.)
--
-- unit_id has no foreign key: a unit deleted later keeps its parts in the
-- record, under the number it had (tasks and chats lose their unit then;
-- a part cannot, it is the unit's).
CREATE TABLE IF NOT EXISTS task_coordinators (
	id                 INTEGER PRIMARY KEY,
	task_id            INTEGER NOT NULL REFERENCES tasks (id),
	person_id          INTEGER REFERENCES people (id),
	unit_id            INTEGER,
	-- for a unit: whom its head handed the part to; NULL while the head holds it
	assigned_person_id INTEGER REFERENCES people (id),
	deadline           INTEGER NOT NULL,
	created_at         INTEGER NOT NULL,
	done_at            INTEGER,
	done_by            INTEGER REFERENCES people (id),
	-- working days late at done_at, 0 on time; NULL while not delivered
	late_days          INTEGER CHECK (late_days >= 0),
	-- when the scheduler next looks at the part; NULL: never
	plan_at            INTEGER,
	CHECK ((person_id IS NULL) <> (unit_id IS NULL)),
	CHECK ((done_at IS NULL) = (late_days IS NULL))
);
CREATE INDEX IF NOT EXISTS task_coordinators_task ON task_coordinators (task_id, id);
-- One part per person, and per unit, in a task.
CREATE UNIQUE INDEX IF NOT EXISTS task_coordinators_task_person ON task_coordinators (task_id, person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS task_coordinators_task_unit ON task_coordinators (task_id, unit_id) WHERE unit_id IS NOT NULL;
-- Whose parts: a person's own, a unit's, those handed to a person; the
-- parts not delivered yet (done_at NULL) first in each, for /viec, and
-- those delivered in a period, for the statistics.
CREATE INDEX IF NOT EXISTS task_coordinators_person ON task_coordinators (person_id, done_at) WHERE person_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS task_coordinators_unit ON task_coordinators (unit_id, done_at) WHERE unit_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS task_coordinators_assigned ON task_coordinators (assigned_person_id, done_at) WHERE assigned_person_id IS NOT NULL;
-- Every part delivered in a period, whoever's.
CREATE INDEX IF NOT EXISTS task_coordinators_done ON task_coordinators (done_at) WHERE done_at IS NOT NULL;
-- The scheduler's pass reads the parts due, as task_plans for tasks:
-- only the parts still planned are in this index.
CREATE INDEX IF NOT EXISTS task_coordinators_plan ON task_coordinators (plan_at) WHERE plan_at IS NOT NULL;
