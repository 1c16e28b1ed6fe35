-- What a directive says of a task beyond its title and deadline: the
-- expected result (kết quả, sản phẩm), the source document (nguồn giao)
-- as typed and the number/symbol found in it, and the key-task
-- (trọng tâm) and urgent (khẩn) marks. Existing tasks have none.
ALTER TABLE tasks ADD COLUMN result TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN source_number TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN key_task INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;

-- search is the title and the source folded (lower case, no diacritics,
-- đ → d), kept by the store whenever it writes a task, so that a search
-- for "ke hoach 1365/vp-nl" finds "Kế hoạch …" of 1365/VP-NL with LIKE.
-- nhacviec_fold is that same fold, registered with the driver by the
-- store (store/search.go); here it fills in the tasks already stored.
ALTER TABLE tasks ADD COLUMN search TEXT NOT NULL DEFAULT '';
UPDATE tasks SET search = nhacviec_fold(title || char(10) || source);
