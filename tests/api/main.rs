//! One integration-test binary (one link step) for the whole HTTP app.

mod channel_helpers;
mod helpers;

mod architecture;
mod backlog;
mod bad_input;
mod built_in_knowledge;
mod console;
mod console_browser;
mod conversation;
mod faults;
mod faults_process;
mod handoff;
mod handoff_helpers;
mod handoff_redis;
mod health;
mod incidents;
mod input_limits;
mod kb_check;
mod kb_load;
mod kb_props;
mod kb_reload;
mod limits;
mod logs;
mod messages;
mod metrics;
mod openapi;
mod privacy;
mod quality;
mod redis;
mod redis_helpers;
mod returning;
mod scenarios;
mod webhook_messenger;
mod webhook_telegram;
mod webhook_whatsapp;
