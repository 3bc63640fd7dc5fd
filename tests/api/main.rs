//! One integration-test binary (one link step) for the whole HTTP app.

mod channel_helpers;
mod helpers;

mod architecture;
mod bad_input;
mod built_in_knowledge;
mod console;
mod console_browser;
mod conversation;
mod handoff;
mod handoff_helpers;
mod handoff_redis;
mod health;
mod incidents;
mod kb_check;
mod kb_load;
mod kb_reload;
mod messages;
mod privacy;
mod quality;
mod redis;
mod redis_helpers;
mod returning;
mod scenarios;
mod webhook_messenger;
mod webhook_telegram;
mod webhook_whatsapp;
