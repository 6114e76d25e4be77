"""Platform adapters: translate payloads to neutral events and render neutral replies."""
