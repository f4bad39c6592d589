CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`street` text NOT NULL,
	`city` text NOT NULL,
	`state` text NOT NULL,
	`zip` text NOT NULL,
	`type` text NOT NULL,
	`wallet_cents` integer DEFAULT 0 NOT NULL,
	`past_due_cents` integer DEFAULT 0 NOT NULL,
	`days_past_due` integer DEFAULT 0 NOT NULL,
	`failed_payments` integer DEFAULT 0 NOT NULL,
	`tags` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `accounts_email` ON `accounts` (`email`);--> statement-breakpoint
CREATE INDEX `accounts_name` ON `accounts` ("name" COLLATE NOCASE);--> statement-breakpoint
CREATE TABLE `addons` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`price_cents` integer NOT NULL,
	`recurring` integer NOT NULL,
	`data_mb` integer
);
--> statement-breakpoint
CREATE TABLE `care_interactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`line_id` integer,
	`created_at` text NOT NULL,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`summary` text NOT NULL,
	`agent` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `care_account` ON `care_interactions` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `care_line` ON `care_interactions` (`line_id`);--> statement-breakpoint
CREATE TABLE `invoice_items` (
	`id` integer PRIMARY KEY NOT NULL,
	`invoice_id` integer NOT NULL,
	`line_id` integer,
	`kind` text NOT NULL,
	`code` text,
	`description` text NOT NULL,
	`amount_cents` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `invoice_items_invoice` ON `invoice_items` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `invoice_items_line` ON `invoice_items` (`line_id`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`period` text NOT NULL,
	`issued_at` text NOT NULL,
	`due_at` text NOT NULL,
	`prior_balance_cents` integer DEFAULT 0 NOT NULL,
	`subtotal_cents` integer NOT NULL,
	`tax_cents` integer NOT NULL,
	`total_cents` integer NOT NULL,
	`status` text NOT NULL,
	`paid_at` text
);
--> statement-breakpoint
CREATE INDEX `invoices_account` ON `invoices` (`account_id`,`period`);--> statement-breakpoint
CREATE INDEX `invoices_period` ON `invoices` (`period`);--> statement-breakpoint
CREATE TABLE `knowledge` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`tags` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `line_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`line_id` integer NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`reason` text,
	`actor` text DEFAULT 'system' NOT NULL,
	`batch_id` text
);
--> statement-breakpoint
CREATE INDEX `line_events_line` ON `line_events` (`line_id`,`at`);--> statement-breakpoint
CREATE INDEX `line_events_at` ON `line_events` (`at`);--> statement-breakpoint
CREATE TABLE `lines` (
	`id` integer PRIMARY KEY NOT NULL,
	`msisdn` text NOT NULL,
	`iccid` text NOT NULL,
	`imei` text NOT NULL,
	`account_id` text NOT NULL,
	`plan_code` text NOT NULL,
	`addons` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`activated_at` text,
	`disconnected_at` text,
	`cycle_day` integer NOT NULL,
	`cycle_start` text NOT NULL,
	`data_used_mb` integer DEFAULT 0 NOT NULL,
	`topup_mb` integer DEFAULT 0 NOT NULL,
	`sms_used` integer DEFAULT 0 NOT NULL,
	`voice_min` integer DEFAULT 0 NOT NULL,
	`plan_changes_month` integer DEFAULT 0 NOT NULL,
	`tags` text DEFAULT '' NOT NULL,
	`row_version` integer DEFAULT 1 NOT NULL,
	`updated_at` text NOT NULL,
	`account_name` text NOT NULL,
	`email` text NOT NULL,
	`state` text NOT NULL,
	`zip` text NOT NULL,
	`account_type` text NOT NULL,
	`failed_payments` integer DEFAULT 0 NOT NULL,
	`past_due_cents` integer DEFAULT 0 NOT NULL,
	`days_past_due` integer DEFAULT 0 NOT NULL,
	`wallet_cents` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lines_msisdn` ON `lines` (`msisdn`);--> statement-breakpoint
CREATE UNIQUE INDEX `lines_iccid` ON `lines` (`iccid`);--> statement-breakpoint
CREATE INDEX `lines_account` ON `lines` (`account_id`);--> statement-breakpoint
CREATE INDEX `lines_plan` ON `lines` (`plan_code`,`id`);--> statement-breakpoint
CREATE INDEX `lines_status` ON `lines` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `lines_activated` ON `lines` (`activated_at`,`id`);--> statement-breakpoint
CREATE INDEX `lines_data_used` ON `lines` (`data_used_mb`,`id`);--> statement-breakpoint
CREATE INDEX `lines_state` ON `lines` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `lines_zip` ON `lines` (`zip`,`id`);--> statement-breakpoint
CREATE INDEX `lines_account_type` ON `lines` (`account_type`,`id`);--> statement-breakpoint
CREATE INDEX `lines_failed` ON `lines` (`failed_payments`,`id`);--> statement-breakpoint
CREATE INDEX `lines_past_due` ON `lines` (`past_due_cents`,`id`);--> statement-breakpoint
CREATE INDEX `lines_days_past_due` ON `lines` (`days_past_due`,`id`);--> statement-breakpoint
CREATE INDEX `lines_account_name` ON `lines` ("account_name" COLLATE NOCASE,`id`);--> statement-breakpoint
CREATE INDEX `lines_email` ON `lines` (`email`,`id`);--> statement-breakpoint
CREATE INDEX `lines_cycle_day` ON `lines` (`cycle_day`,`id`);--> statement-breakpoint
CREATE INDEX `lines_updated` ON `lines` (`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `lines_imei` ON `lines` (`imei`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `op_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`kind` text NOT NULL,
	`sentence` text NOT NULL,
	`command` text NOT NULL,
	`canonical` text NOT NULL,
	`parser` text NOT NULL,
	`rollback_of` text,
	`matched` integer NOT NULL,
	`blocked` integer NOT NULL,
	`mrr_delta_cents` integer DEFAULT 0 NOT NULL,
	`proration_cents` integer DEFAULT 0 NOT NULL,
	`credits_cents` integer DEFAULT 0 NOT NULL,
	`summary` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `op_batches_created` ON `op_batches` (`created_at`);--> statement-breakpoint
CREATE TABLE `operations` (
	`seq` integer PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`line_id` integer NOT NULL,
	`action` text NOT NULL,
	`params` text NOT NULL,
	`previous` text DEFAULT '{}' NOT NULL,
	`base_version` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`created_at` text NOT NULL,
	`resolved_at` text
);
--> statement-breakpoint
CREATE INDEX `operations_batch` ON `operations` (`batch_id`,`seq`);--> statement-breakpoint
CREATE INDEX `operations_status` ON `operations` (`status`,`seq`);--> statement-breakpoint
CREATE INDEX `operations_line` ON `operations` (`line_id`,`seq`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`invoice_id` integer,
	`created_at` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`status` text NOT NULL,
	`failure_code` text,
	`failure_message` text,
	`method_token` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payments_account` ON `payments` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `payments_created` ON `payments` (`created_at`);--> statement-breakpoint
CREATE TABLE `plans` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`monthly_cents` integer NOT NULL,
	`data_mb` integer
);
--> statement-breakpoint
CREATE TABLE `saved_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`spec` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `saved_reports_name_unique` ON `saved_reports` (`name`);--> statement-breakpoint
CREATE TABLE `usage_cycles` (
	`line_id` integer NOT NULL,
	`cycle_start` text NOT NULL,
	`data_mb` integer NOT NULL,
	`sms` integer NOT NULL,
	`voice_min` integer NOT NULL,
	`plan_code` text NOT NULL,
	PRIMARY KEY(`line_id`, `cycle_start`)
);
--> statement-breakpoint
CREATE INDEX `usage_cycles_start` ON `usage_cycles` (`cycle_start`);--> statement-breakpoint
CREATE TABLE `usage_daily` (
	`line_id` integer NOT NULL,
	`month` text NOT NULL,
	`mb` blob NOT NULL,
	PRIMARY KEY(`line_id`, `month`)
);
