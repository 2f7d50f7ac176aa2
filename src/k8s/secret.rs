//! Temporary stand-in, replaced by the kubectl-verified module.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::yaml::scalar::render_string;

pub struct DockerLogin<'a> {
    pub server: &'a str,
    pub username: &'a str,
    pub password: &'a str,
    pub email: Option<&'a str>,
}

pub fn docker_config_json(login: &DockerLogin) -> Zeroizing<String> {
    let auth = Zeroizing::new(STANDARD.encode(format!("{}:{}", login.username, login.password)));
    Zeroizing::new(format!(
        "{{\"auths\":{{{}:{{\"username\":{},\"password\":{},\"auth\":\"{}\"}}}}}}",
        serde_json::to_string(login.server).unwrap(),
        serde_json::to_string(login.username).unwrap(),
        serde_json::to_string(login.password).unwrap(),
        auth.as_str()
    ))
}

pub fn render_secret(
    name: &str,
    namespace: Option<&str>,
    login: &DockerLogin,
    eol: &str,
) -> Zeroizing<String> {
    let config = docker_config_json(login);
    let mut out = String::new();
    out.push_str(&format!("apiVersion: v1{eol}data:{eol}  .dockerconfigjson: {}{eol}kind: Secret{eol}metadata:{eol}  name: {}{eol}", STANDARD.encode(config.as_bytes()), render_string(name)));
    if let Some(ns) = namespace {
        out.push_str(&format!("  namespace: {}{eol}", render_string(ns)));
    }
    out.push_str(&format!("type: kubernetes.io/dockerconfigjson{eol}"));
    Zeroizing::new(out)
}
