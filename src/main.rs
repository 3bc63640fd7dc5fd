//! The command line: `serve` (the default), `check`, `ask`, `eval` and
//! `erase`;
//! each builds what it needs from the settings and calls into the library.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use khidma::channels::web::MessageReply;
use khidma::configuration::Settings;
use khidma::conversation::ConversationId;
use khidma::i18n::{Lang, Localizer};
use khidma::kb::load_dir;
use khidma::kb::{KnowledgeBase, RetrievalOptions};
use khidma::message::Incoming;
use khidma::startup::{Application, build_pipeline, build_privacy};
use khidma::telemetry;
use khidma::{evaluation, scenarios};

#[derive(Parser)]
#[command(
    name = "khidma",
    version,
    about = "Arabic-first citizen-service chatbot"
)]
struct Cli {
    /// TOML settings file (also KHIDMA_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Validate a knowledge base folder and print every problem.
    Check {
        /// Defaults to the configured knowledge base folder.
        dir: Option<PathBuf>,
    },
    /// Score the bot on a JSON-lines file of messages with known answers,
    /// or of conversations with the expected reply to each turn.
    Eval {
        /// One case per line: {"text", "lang", "kind", "entry", "tags"};
        /// or one conversation per line: {"id", "lang", "tags", "turns"}
        /// (the multi-turn harness's format).
        cases: PathBuf,
        /// Retrieval features to use (default: all): normalize, stem,
        /// dialect, negation, alarms, lexicon, fuzzy, arabizi, calibrate;
        /// "none" for none.
        #[arg(long, value_delimiter = ',')]
        features: Option<Vec<String>>,
        /// List every case that was not strictly right.
        #[arg(long)]
        show_failures: bool,
    },
    /// Print, as JSON, what the bot would do with one message.
    Ask {
        #[arg(long, value_parser = ["ar", "en"])]
        lang: Option<String>,
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Erase everything stored about one citizen in every store (needs
    /// REDIS_URL; in memory mode the state lives inside the server: use
    /// DELETE /api/v1/admin/conversations/{id}).
    Erase {
        /// `<channel>:<user id>`, e.g. `web:citizen-42`, `whatsapp:9665...`.
        conversation_id: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server reports what it does; the editor tools print only their
    // answer unless something goes wrong.
    telemetry::init(match cli.command {
        None | Some(Command::Serve) => "info",
        // An erasure is audited in the log.
        Some(Command::Erase { .. }) => "warn,audit=info",
        Some(_) => "warn",
    });
    let env: HashMap<String, String> = std::env::vars().collect();
    let result = Settings::load(cli.config.as_deref(), &env)
        .context("loading settings")
        .and_then(|settings| match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings),
            Command::Check { dir } => Ok(check(dir.unwrap_or(settings.kb.dir))),
            Command::Ask { lang, text } => ask(&settings, lang.as_deref(), &text.join(" ")),
            Command::Eval {
                cases,
                features,
                show_failures,
            } => eval(&settings, &cases, features.as_deref(), show_failures),
            Command::Erase { conversation_id } => erase(&settings, &conversation_id, &env),
        });
    result.unwrap_or_else(|err| {
        eprintln!("khidma: {err:#}");
        ExitCode::FAILURE
    })
}

fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let application = Application::build(settings)?;
        application.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

#[allow(
    clippy::print_stdout,
    reason = "check reports to the editor's terminal"
)]
fn check(dir: PathBuf) -> ExitCode {
    let (entries, errors, warnings) = match load_dir(&dir) {
        Ok(loaded) => (loaded.entries.len(), Vec::new(), loaded.warnings),
        Err(failed) => (0, failed.errors, failed.warnings),
    };
    for issue in errors.iter().chain(&warnings) {
        println!("{issue}");
    }
    if errors.is_empty() {
        println!(
            "{}: {entries} entries, no errors, {} warning(s)",
            dir.display(),
            warnings.len()
        );
        match KnowledgeBase::load(&dir, RetrievalOptions::ALL) {
            Ok(kb) => print!("{}", calibration_report(&kb)),
            Err(err) => println!("{}: {err}", dir.display()),
        }
        ExitCode::SUCCESS
    } else {
        println!(
            "{}: {} error(s), {} warning(s); nothing was loaded",
            dir.display(),
            errors.len(),
            warnings.len()
        );
        ExitCode::FAILURE
    }
}

/// What `check` tells editors about how sure the bot will be with their
/// base, and which entries their questions do not tell apart.
fn calibration_report(kb: &KnowledgeBase) -> String {
    let calibration = kb.calibration();
    let mut out = String::new();
    let source = if calibration.learnt {
        "learnt from this knowledge base"
    } else {
        "defaults: too few questions to learn from"
    };
    let _ = writeln!(
        out,
        "calibration ({source}): answer when fit >= {:.2}, coverage >= {:.2} \
         and fit x coverage >= {:.2}; \
         {} of {} questions asked in other words would be answered, \
         {} of {} \"nothing fits\" samples fall back",
        calibration.min_fit,
        calibration.min_coverage,
        calibration.min_evidence,
        percent(calibration.answered),
        calibration.right_matches,
        percent(calibration.fell_back),
        calibration.nothing_fits,
    );
    if calibration.confusable.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "confusable entries (a question of the first fits the second as well; \
         make the questions or keywords more specific):"
    );
    for pair in &calibration.confusable {
        let _ = writeln!(
            out,
            "  {} ~ {}: {} question(s), e.g. {:?}",
            kb.entry(pair.entry).id,
            kb.entry(pair.other).id,
            pair.questions,
            pair.example
        );
    }
    out
}

fn percent(share: f32) -> String {
    format!("{:.0}%", share * 100.0)
}

#[allow(clippy::print_stdout, reason = "ask prints its JSON answer")]
fn ask(settings: &Settings, lang: Option<&str>, text: &str) -> anyhow::Result<ExitCode> {
    // One message against the knowledge base, never a live conversation: a
    // REDIS_URL in the editor's environment is ignored.
    let mut settings = settings.clone();
    settings.state.redis_url = None;
    let pipeline = build_pipeline(&settings)?;
    let incoming = Incoming {
        text: text.to_owned(),
        forced_language: lang.map(|code| code.parse::<Lang>()).transpose()?,
        ..Incoming::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("starting the async runtime")?;
    let id = ConversationId::new("cli", "ask").expect("a fixed, valid id");
    let reply = runtime.block_on(pipeline.answer(&id, &incoming))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&MessageReply::from(reply))?
    );
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::print_stdout, reason = "erase confirms on stdout")]
fn erase(
    settings: &Settings,
    conversation_id: &str,
    env: &HashMap<String, String>,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        settings.state.redis_url.is_some(),
        "REDIS_URL is not set: in memory mode the state lives inside the server; \
         erase with DELETE /api/v1/admin/conversations/{{id}} there"
    );
    let id = ConversationId::try_from(conversation_id.to_owned()).map_err(anyhow::Error::msg)?;
    let by = format!("cli:{}", env.get("USER").map_or("unknown", String::as_str));
    let privacy = build_privacy(settings)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(privacy.erase(&id, &by))?;
    println!("erased everything stored about {id}");
    Ok(ExitCode::SUCCESS)
}

fn retrieval_options(features: Option<&[String]>) -> anyhow::Result<RetrievalOptions> {
    let Some(features) = features else {
        return Ok(RetrievalOptions::ALL);
    };
    let mut options = RetrievalOptions::NONE;
    for feature in features {
        match feature.as_str() {
            "none" => {}
            "normalize" => options.normalize = true,
            "stem" => options.stem = true,
            "lexicon" => options.lexicon = true,
            "fuzzy" => options.fuzzy = true,
            "arabizi" => options.arabizi = true,
            "calibrate" => options.calibrate = true,
            "dialect" => options.dialect = true,
            "negation" => options.negation = true,
            "alarms" => options.alarms = true,
            other => anyhow::bail!(
                "unknown feature {other:?}: use normalize, stem, dialect, negation, alarms, lexicon, fuzzy, arabizi, calibrate or none"
            ),
        }
    }
    Ok(options)
}

#[allow(clippy::print_stdout, reason = "eval prints its report")]
fn eval(
    settings: &Settings,
    cases: &std::path::Path,
    features: Option<&[String]>,
    show_failures: bool,
) -> anyhow::Result<ExitCode> {
    let options = retrieval_options(features)?;
    let kb = KnowledgeBase::load(&settings.kb.dir, options)
        .with_context(|| format!("loading {}", settings.kb.dir.display()))?;
    let localizer = Localizer::load(&settings.locales.dir)?
        .with_emergency_number(&settings.handoff.emergency_number);
    if scenarios::is_scenario_file(cases)? {
        let scenarios = scenarios::read_scenarios(cases)?;
        let results = scenarios::run(&scenarios, &kb, &localizer);
        print!("{}", scenarios::report(&scenarios, &results, show_failures));
        return Ok(ExitCode::SUCCESS);
    }
    let cases = evaluation::read_cases(cases)?;
    let outcomes = evaluation::run(&cases, &kb, &localizer);
    print!("{}", evaluation::report(&cases, &outcomes, show_failures));
    Ok(ExitCode::SUCCESS)
}
