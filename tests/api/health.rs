use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readyz_reports_the_knowledge_base_and_the_store() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["knowledge_base"]["entries"], 44);
    assert_eq!(body["store"]["kind"], "memory");
}

#[tokio::test]
async fn unknown_routes_get_a_json_404() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/nope").await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

/// `khidma <args>` with only `env`: its exit code, stdout and stderr.
fn khidma(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_khidma"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[tokio::test]
async fn the_healthcheck_command_passes_on_a_ready_server_and_fails_without_one() {
    let app = spawn_app().await;
    let bind = app.address.trim_start_matches("http://").to_owned();
    let (code, stdout, _) =
        tokio::task::spawn_blocking(move || khidma(&["healthcheck"], &[("KHIDMA_BIND", &bind)]))
            .await
            .unwrap();
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.starts_with("200 "), "{stdout}");
    assert!(stdout.contains("\"status\":\"ready\""), "{stdout}");

    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = free.local_addr().unwrap().to_string();
    drop(free);
    let (code, _, stderr) = khidma(&["healthcheck"], &[("KHIDMA_BIND", &nobody)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("/readyz"), "{stderr}");
}

#[test]
fn a_configuration_error_is_said_once() {
    let (code, _, stderr) = khidma(&["check"], &[("KHIDMA_STATE__LEASE_MS", "0")]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("lease_ms").count(), 1, "{stderr}");
}
