CREATE TABLE `console_line_groups` (
	`status` text NOT NULL,
	`plan_code` text NOT NULL,
	`cycle_day` integer NOT NULL,
	`plan_changes_month` integer NOT NULL,
	`addons` text NOT NULL,
	`tags` text NOT NULL,
	`n` integer NOT NULL,
	`fp` integer NOT NULL,
	PRIMARY KEY(`status`, `plan_code`, `cycle_day`, `plan_changes_month`, `addons`, `tags`)
);--> statement-breakpoint
INSERT INTO console_line_groups (status, plan_code, cycle_day, plan_changes_month, addons, tags, n, fp)
SELECT status, plan_code, cycle_day, plan_changes_month, addons, tags, count(*), sum(id * 4096 + row_version) FROM lines GROUP BY status, plan_code, cycle_day, plan_changes_month, addons, tags;--> statement-breakpoint
CREATE TRIGGER console_line_groups_ins AFTER INSERT ON lines BEGIN
  INSERT INTO console_line_groups (status, plan_code, cycle_day, plan_changes_month, addons, tags, n, fp)
  VALUES (new.status, new.plan_code, new.cycle_day, new.plan_changes_month, new.addons, new.tags, 1, new.id * 4096 + new.row_version)
  ON CONFLICT (status, plan_code, cycle_day, plan_changes_month, addons, tags) DO UPDATE SET n = n + 1, fp = fp + excluded.fp;
END;--> statement-breakpoint
CREATE TRIGGER console_line_groups_del AFTER DELETE ON lines BEGIN
  UPDATE console_line_groups SET n = n - 1, fp = fp - (old.id * 4096 + old.row_version)
  WHERE status = old.status AND plan_code = old.plan_code AND cycle_day = old.cycle_day
    AND plan_changes_month = old.plan_changes_month AND addons = old.addons AND tags = old.tags;
END;--> statement-breakpoint
CREATE TRIGGER console_line_groups_upd AFTER UPDATE OF id, status, plan_code, cycle_day, plan_changes_month, addons, tags, row_version ON lines BEGIN
  UPDATE console_line_groups SET n = n - 1, fp = fp - (old.id * 4096 + old.row_version)
  WHERE status = old.status AND plan_code = old.plan_code AND cycle_day = old.cycle_day
    AND plan_changes_month = old.plan_changes_month AND addons = old.addons AND tags = old.tags;
  INSERT INTO console_line_groups (status, plan_code, cycle_day, plan_changes_month, addons, tags, n, fp)
  VALUES (new.status, new.plan_code, new.cycle_day, new.plan_changes_month, new.addons, new.tags, 1, new.id * 4096 + new.row_version)
  ON CONFLICT (status, plan_code, cycle_day, plan_changes_month, addons, tags) DO UPDATE SET n = n + 1, fp = fp + excluded.fp;
END;
