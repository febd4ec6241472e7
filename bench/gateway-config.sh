# Sourced by bench/tail.sh and bench/latency.sh: the gateway's config for one deployment "bench" on the simulator.
#   gateway_config WORKDIR SIM_PORT MASTER_KEY [ONE_MORE_GENERAL_SETTINGS_LINE] > config.yaml
gateway_config() {
  cat <<YAML
model_list:
  - model_name: bench
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$2/v1", api_key: sk-bench }
general_settings:
  database_path: $1/g.db
  master_key: $3
${4:+  $4}
YAML
}
