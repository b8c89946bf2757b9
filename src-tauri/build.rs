fn main() {
    // The app's config lives at the repository root (the design card's top level).
    // Every command is listed so that the capability file can grant exactly these.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_status",
        "reference_data",
        "queue_page",
        "customer_overview",
        "timeline_page",
        "unlinked_page",
        "search",
        "apply_mutation",
        "session_info",
        "sign_in",
        "sign_out",
        "check_server",
        "explore_demo",
        "sync_status",
        "notices",
        "dismiss_notices",
        "set_presence",
        "traffic_check",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json").app_manifest(manifest))
        .expect("tauri-build failed");
}
