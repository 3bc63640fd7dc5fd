use super::*;

pub(super) fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn key_prefixes_without_braces_or_spaces_are_accepted() {
    assert!(KeyPrefix::try_from("khidma:".to_owned()).is_ok());
    assert!(KeyPrefix::try_from(String::new()).is_err());
    assert!(KeyPrefix::try_from("a{b".to_owned()).is_err());
    assert!(KeyPrefix::try_from("a b".to_owned()).is_err());
}

#[test]
fn defaults_need_no_file_and_no_environment() {
    let settings = Settings::load(None, &HashMap::new()).unwrap();
    assert_eq!(settings.server.bind, "127.0.0.1:8080".parse().unwrap());
    assert_eq!(settings.kb.dir, PathBuf::from("./knowledge_base"));
    assert_eq!(settings.locales.dir, PathBuf::from("./locales"));
    assert!(settings.kb.watch);
    assert_eq!(settings.state.redis_url, None, "state stays in memory");
}

#[test]
fn redis_comes_from_the_environment_and_its_url_is_never_printed() {
    let settings = Settings::load(
        None,
        &env(&[
            ("REDIS_URL", "redis://:hunter2@redis.internal:6379/0"),
            ("KHIDMA_STATE__KEY_PREFIX", "staging:"),
        ]),
    )
    .unwrap();
    let url = settings.state.redis_url.as_ref().unwrap();
    assert_eq!(url.expose(), "redis://:hunter2@redis.internal:6379/0");
    assert!(!format!("{settings:?}").contains("hunter2"));
    assert_eq!(settings.state.key_prefix.as_str(), "staging:");

    let err = Settings::load(None, &env(&[("REDIS_URL", "http://:hunter2@x")])).unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let err = Settings::load(None, &env(&[("KHIDMA_STATE__KEY_PREFIX", "a{b}")])).unwrap_err();
    assert!(err.to_string().contains("braces"), "{err}");
    let err = Settings::load(None, &env(&[("KHIDMA_STATE__LEASE_MS", "0")])).unwrap_err();
    assert!(err.to_string().contains("lease_ms"), "{err}");
    let err = Settings::load(
        None,
        &env(&[("KHIDMA_HANDOFF__INCIDENT_SEND_CONCURRENCY", "0")]),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("incident_send_concurrency"),
        "{err}"
    );
}

#[test]
fn the_file_overrides_defaults_and_the_environment_overrides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khidma.toml");
    std::fs::write(
        &path,
        "[server]\nbind = \"0.0.0.0:9000\"\n[kb]\nwatch = false\n",
    )
    .unwrap();
    let settings = Settings::load(Some(&path), &HashMap::new()).unwrap();
    assert_eq!(settings.server.bind, "0.0.0.0:9000".parse().unwrap());
    assert!(!settings.kb.watch);

    let settings = Settings::load(
        Some(&path),
        &env(&[
            ("KHIDMA_SERVER__BIND", "127.0.0.1:7000"),
            ("KHIDMA_KB__WATCH", "true"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.server.bind, "127.0.0.1:7000".parse().unwrap());
    assert!(settings.kb.watch);

    let settings = Settings::load(
        None,
        &env(&[
            ("KHIDMA_CONFIG", path.to_str().unwrap()),
            ("KHIDMA_BIND", "127.0.0.1:7001"),
            ("KHIDMA_KB_DIR", "/srv/kb"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.server.bind, "127.0.0.1:7001".parse().unwrap());
    assert_eq!(settings.kb.dir, PathBuf::from("/srv/kb"));
    assert!(!settings.kb.watch, "KHIDMA_CONFIG names the file");
}

#[test]
fn unknown_keys_and_bad_values_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khidma.toml");
    std::fs::write(&path, "[server]\nbnid = \"0.0.0.0:9000\"\n").unwrap();
    let err = Settings::load(Some(&path), &HashMap::new()).unwrap_err();
    assert!(err.to_string().contains("bnid"), "{err}");

    let err = Settings::load(None, &env(&[("KHIDMA_BIND", "not an address")])).unwrap_err();
    assert!(err.to_string().contains("bind"), "{err}");
}

#[test]
fn channel_secrets_come_from_the_environment_and_never_show_in_debug() {
    let settings = Settings::load(
        None,
        &env(&[
            ("WHATSAPP_APP_SECRET", "s3cr3t-value"),
            ("TELEGRAM_BOT_TOKEN", ""),
            ("HOME", "/root"),
        ]),
    )
    .unwrap();
    let secret = settings.channels.get("WHATSAPP_APP_SECRET").unwrap();
    assert_eq!(secret.expose(), "s3cr3t-value");
    assert!(
        settings.channels.get("TELEGRAM_BOT_TOKEN").is_none(),
        "empty is unset"
    );
    assert!(settings.channels.get("HOME").is_none());
    assert!(!format!("{settings:?}").contains("s3cr3t"));
}
