"""Slack: bolt AsyncApp adapter, pure payload translation and Block Kit rendering, Web API sender."""
