//! `GET /openapi.json` describes every route the server answers, and only
//! those. Adding a route to `ROUTES` (`src/http/mod.rs`) means annotating
//! its handler with `#[utoipa::path]` and listing it in `paths(...)` of
//! `src/http/openapi.rs`; this test fails until both are done.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::spawn_app;

async fn document() -> Value {
    let app = spawn_app().await;
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn every_route_is_in_the_openapi_document_and_nothing_else() {
    let document = document().await;
    let served: BTreeSet<(String, String)> = khidma::http::ROUTES
        .iter()
        .map(|(method, path)| (method.to_lowercase(), (*path).to_owned()))
        .collect();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .expect("the document has paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|key| ["get", "post", "put", "patch", "delete"].contains(&key.as_str()))
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from /openapi.json (annotate the handler with #[utoipa::path] \
         and list it in src/http/openapi.rs): {undocumented:?}"
    );
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        unserved.is_empty(),
        "/openapi.json documents routes nobody serves: {unserved:?}"
    );
}

#[tokio::test]
async fn the_document_describes_web_chat_the_agent_views_and_the_agent_token() {
    let document = document().await;
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        document["openapi"]
    );
    let schemas = &document["components"]["schemas"];
    for field in ["user_id", "text", "language", "button", "location"] {
        assert!(
            schemas["MessageRequest"]["properties"][field].is_object(),
            "MessageRequest.{field}"
        );
    }
    let reply_text = &schemas["ReplyMessage"]["properties"]["text"]["description"];
    assert!(
        reply_text.as_str().unwrap().contains("Markdown"),
        "{reply_text}"
    );
    for (schema, field) in [
        ("QueueItem", "priority"),
        ("IncidentView", "conversations"),
        ("View", "history"),
        ("ErrorDetail", "code"),
    ] {
        assert!(
            schemas[schema]["properties"][field].is_object(),
            "{schema}.{field}"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["agent_token"]["scheme"],
        "bearer"
    );
    let queue = &document["paths"]["/api/v1/agent/queue"]["get"];
    assert!(queue["security"].is_array(), "{queue}");
    assert!(
        document["paths"]["/api/v1/agent/events"]["get"]["responses"]["200"]["content"]
            ["text/event-stream"]
            .is_object()
    );
}
