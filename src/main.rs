//! The command line: `serve` (the default), `check`, `ask`, `eval`,
//! `healthcheck`, `erase` and `report`; each builds what it needs from the
//! settings and calls into the library.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use khidma::channels::web::MessageReply;
use khidma::configuration::Settings;
use khidma::conversation::ConversationId;
use khidma::cx::RowFilter;
use khidma::i18n::{Arg, Lang, Localizer, editor_text, terminal_lang};
use khidma::kb::load_dir;
use khidma::kb::{KnowledgeBase, RetrievalOptions};
use khidma::message::Incoming;
use khidma::reports::{self, Period, ReportSource};
use khidma::startup::{Application, build_pipeline, build_privacy};
use khidma::telemetry::{self, LogFormat};
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
        /// The report's language (default: Arabic when LC_ALL, LC_MESSAGES
        /// or LANG names Arabic, else English).
        #[arg(long, value_parser = ["ar", "en"])]
        lang: Option<String>,
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
        /// The report's language (default: as for check).
        #[arg(long, value_parser = ["ar", "en"])]
        lang: Option<String>,
        /// Print the results as JSON for tools (the shape is in the README).
        #[arg(long)]
        json: bool,
    },
    /// Print, as JSON, what the bot would do with one message.
    Ask {
        #[arg(long, value_parser = ["ar", "en"])]
        lang: Option<String>,
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Ask the server on this machine (at the configured bind address)
    /// whether it is ready: exit 0 when `/readyz` answers 200 ("ready" or
    /// "degraded"), 1 otherwise. For container health checks, where there
    /// is no curl.
    Healthcheck,
    /// Erase everything stored about one citizen in every store (needs
    /// REDIS_URL; in memory mode the state lives inside the server: use
    /// DELETE /api/v1/admin/conversations/{id}).
    Erase {
        /// `<channel>:<user id>`, e.g. `web:citizen-42`, `whatsapp:9665...`.
        conversation_id: String,
    },
    /// Reports for editors, read from the citizen-experience event store.
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// What citizens asked that the knowledge base could not answer (or
    /// answered unsure), grouped by similarity, with the closest entry.
    Unanswered {
        /// First day, YYYY-MM-DD (default: 7 days before --to).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<String>,
        /// The report's language (default: as for check).
        #[arg(long, value_parser = ["ar", "en"])]
        lang: Option<String>,
        /// Print the groups as JSON (the shape of GET /api/v1/reports/unanswered).
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: HashMap<String, String> = std::env::vars().collect();
    let format = match LogFormat::parse(env.get("KHIDMA_LOG_FORMAT").map(String::as_str)) {
        Ok(format) => format,
        Err(err) => {
            eprintln!("khidma: {err}");
            return ExitCode::FAILURE;
        }
    };
    // A server reports what it does; the editor tools print only their
    // answer unless something goes wrong.
    let level = match cli.command {
        None | Some(Command::Serve) => "info",
        // An erasure is audited in the log.
        Some(Command::Erase { .. }) => "warn,audit=info",
        Some(_) => "warn",
    };
    telemetry::init(level, format, env.get("KHIDMA_LOG_KEY").map(String::as_str));
    let result = Settings::load(cli.config.as_deref(), &env)
        .context("loading settings")
        .and_then(|settings| match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings),
            Command::Check { dir, lang } => Ok(check(
                dir.unwrap_or(settings.kb.dir),
                editor_lang(lang.as_deref(), &env),
            )),
            Command::Ask { lang, text } => ask(&settings, lang.as_deref(), &text.join(" ")),
            Command::Eval {
                cases,
                features,
                show_failures,
                lang,
                json,
            } => {
                let output = if json {
                    EvalOutput::Json
                } else {
                    EvalOutput::Report {
                        lang: editor_lang(lang.as_deref(), &env),
                        show_failures,
                    }
                };
                eval(&settings, &cases, features.as_deref(), output)
            }
            Command::Healthcheck => healthcheck(&settings),
            Command::Report {
                report:
                    ReportCommand::Unanswered {
                        from,
                        to,
                        lang,
                        json,
                    },
            } => report_unanswered(
                &settings,
                from.as_deref(),
                to.as_deref(),
                (!json).then(|| editor_lang(lang.as_deref(), &env)),
            ),
            Command::Erase { conversation_id } => erase(&settings, &conversation_id, &env),
        });
    result.unwrap_or_else(|err| {
        // Said once, in the format of the other lines.
        match format {
            LogFormat::Json => tracing::error!(error = format!("{err:#}"), "khidma stopped"),
            LogFormat::Text => eprintln!("khidma: {err:#}"),
        }
        ExitCode::FAILURE
    })
}

fn healthcheck(settings: &Settings) -> anyhow::Result<ExitCode> {
    // A server bound to every address answers on loopback.
    let mut address = settings.server.bind;
    match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => address.set_ip(Ipv4Addr::LOCALHOST.into()),
        IpAddr::V6(ip) if ip.is_unspecified() => address.set_ip(Ipv6Addr::LOCALHOST.into()),
        _ => {}
    }
    match khidma::http::probe::readiness(address) {
        Ok((status, body)) => {
            say(&format!("{status} {body}\n"));
            Ok(if status == 200 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Err(err) => Err(anyhow::Error::new(err).context(format!("asking http://{address}/readyz"))),
    }
}

/// Writes a command's answer to stdout. A reader that stops early
/// (`khidma check | head`) only wants no more of it: the command ends there,
/// successfully, instead of panicking on the closed pipe.
fn say(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("khidma: writing the answer: {err}");
        std::process::exit(1);
    }
}

fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let application = Application::build(settings)?;
        application.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `--lang` when given, else the terminal's language.
fn editor_lang(flag: Option<&str>, env: &HashMap<String, String>) -> Lang {
    flag.and_then(|code| code.parse().ok())
        .unwrap_or_else(|| terminal_lang(&|name| env.get(name).cloned()))
}

fn check(dir: PathBuf, lang: Lang) -> ExitCode {
    let failed = match load_dir(&dir) {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                say(&format!("{}\n", warning.render(lang)));
            }
            let counts = [
                ("entries", Arg::Count(loaded.entries.len())),
                ("replies", Arg::Count(loaded.replies.len())),
                ("warnings", Arg::Count(loaded.warnings.len())),
            ];
            say(&format!(
                "{}\n",
                editor_text(lang, "check-summary-ok", &counts)
            ));
            match KnowledgeBase::load(&dir, RetrievalOptions::ALL) {
                Ok(kb) => say(&calibration_report(&kb, lang)),
                Err(err) => say(&format!("{}: {err}\n", dir.display())),
            }
            return ExitCode::SUCCESS;
        }
        Err(failed) => failed,
    };
    for issue in failed.errors.iter().chain(&failed.warnings) {
        say(&format!("{}\n", issue.render(lang)));
    }
    let counts = [
        ("errors", Arg::Count(failed.errors.len())),
        ("files", Arg::Count(failed.files())),
        ("warnings", Arg::Count(failed.warnings.len())),
        ("fine", Arg::Count(failed.fine)),
    ];
    say(&format!(
        "{}\n",
        editor_text(lang, "check-summary-failed", &counts)
    ));
    ExitCode::FAILURE
}

/// What `check` tells editors about how sure the bot will be with their
/// base, and which entries their questions do not tell apart.
fn calibration_report(kb: &KnowledgeBase, lang: Lang) -> String {
    let calibration = kb.calibration();
    let mut out = String::new();
    let source = if calibration.learnt {
        "check-calibration-learnt"
    } else {
        "check-calibration-defaults"
    };
    let figure = |value: f32| Arg::from(format!("{value:.2}"));
    let args = [
        ("source", Arg::Phrase(source)),
        ("fit", figure(calibration.min_fit)),
        ("coverage", figure(calibration.min_coverage)),
        ("evidence", figure(calibration.min_evidence)),
        ("answered", Arg::from(percent(calibration.answered))),
        ("matches", Arg::Count(calibration.right_matches)),
        ("fell_back", Arg::from(percent(calibration.fell_back))),
        ("nothing", Arg::Count(calibration.nothing_fits)),
    ];
    let _ = writeln!(out, "{}", editor_text(lang, "check-calibration", &args));
    if calibration.confusable.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        editor_text(lang, "check-confusable-heading", &[])
    );
    for pair in &calibration.confusable {
        let args = [
            ("entry", Arg::from(kb.entry(pair.entry).id.as_str())),
            ("other", Arg::from(kb.entry(pair.other).id.as_str())),
            ("count", Arg::Count(pair.questions)),
            ("example", Arg::from(pair.example.as_str())),
        ];
        let _ = writeln!(
            out,
            "  {}",
            editor_text(lang, "check-confusable-pair", &args)
        );
    }
    out
}

fn percent(share: f32) -> String {
    format!("{:.0}%", share * 100.0)
}

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
    say(&(serde_json::to_string_pretty(&MessageReply::from(reply))? + "\n"));
    Ok(ExitCode::SUCCESS)
}

/// `khidma report unanswered`: as text in `lang`, or as JSON without one.
fn report_unanswered(
    settings: &Settings,
    from: Option<&str>,
    to: Option<&str>,
    lang: Option<Lang>,
) -> anyhow::Result<ExitCode> {
    let time_zone = jiff::tz::TimeZone::get(&settings.handoff.time_zone)
        .context("reading handoff.time_zone")?;
    let source = ReportSource::new(settings.cx.clone(), time_zone);
    let period = Period::parse(from, to, source.today())?;
    let kb = KnowledgeBase::load(&settings.kb.dir, RetrievalOptions::ALL).with_context(|| {
        format!(
            "loading the knowledge base in {}",
            settings.kb.dir.display()
        )
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let rows = runtime
        .block_on(source.events(period, &RowFilter::default()))
        .context("reading the event store")?;
    let report = reports::unanswered(&rows, &kb);
    match lang {
        Some(lang) => say(&reports::render_unanswered(&report, &period, lang)),
        None => say(&(serde_json::to_string_pretty(&report)? + "\n")),
    }
    Ok(ExitCode::SUCCESS)
}

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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let (privacy, recorder) = build_privacy(settings)?;
        privacy.erase(&id, &by).await?;
        if let Some(recorder) = recorder {
            recorder.stop().await;
        }
        anyhow::Ok(())
    })?;
    say(&format!("erased everything stored about {id}\n"));
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

/// How `eval` prints its results.
enum EvalOutput {
    Report { lang: Lang, show_failures: bool },
    Json,
}

fn eval(
    settings: &Settings,
    cases: &std::path::Path,
    features: Option<&[String]>,
    output: EvalOutput,
) -> anyhow::Result<ExitCode> {
    let options = retrieval_options(features)?;
    let kb = KnowledgeBase::load(&settings.kb.dir, options)
        .with_context(|| format!("loading {}", settings.kb.dir.display()))?;
    let localizer = Localizer::load(&settings.locales.dir)?
        .with_emergency_number(&settings.handoff.emergency_number);
    let file = cases.display().to_string();
    let printed = if scenarios::is_scenario_file(cases)? {
        let scenarios = scenarios::read_scenarios(cases)?;
        let results = scenarios::run(&scenarios, &kb, &localizer);
        match output {
            EvalOutput::Report {
                lang,
                show_failures,
            } => scenarios::report(&scenarios, &results, &file, lang, show_failures),
            EvalOutput::Json => {
                serde_json::to_string_pretty(&scenarios::json_report(&scenarios, &results))? + "\n"
            }
        }
    } else {
        let cases = evaluation::read_cases(cases)?;
        let outcomes = evaluation::run(&cases, &kb, &localizer);
        match output {
            EvalOutput::Report {
                lang,
                show_failures,
            } => evaluation::report(&cases, &outcomes, &file, lang, show_failures),
            EvalOutput::Json => {
                serde_json::to_string_pretty(&evaluation::json_report(&cases, &outcomes))? + "\n"
            }
        }
    };
    say(&printed);
    Ok(ExitCode::SUCCESS)
}
