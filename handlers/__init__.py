"""Business capabilities. Each handler takes (intent, ctx) and returns replies; it never sends or commits."""
