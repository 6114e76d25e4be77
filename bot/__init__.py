"""pmo-bot: the service shell (platforms, dispatch, delivery, CLI)."""
