CREATE INDEX `lines_addons` ON `lines` (`addons`,`id`);--> statement-breakpoint
CREATE INDEX `lines_tags` ON `lines` (`tags`,`id`);--> statement-breakpoint
CREATE INDEX `lines_wallet` ON `lines` (`wallet_cents`,`id`);