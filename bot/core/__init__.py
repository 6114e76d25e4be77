"""The handler toolkit: what a handler or a job may use besides the parser and storage.

events (what platforms hand us), replies (what we say: Reply, Card, Button), context (Ctx, Settings), errors
(UserError), router (how a feature declares its routes), forms (form checks), workdays (the working calendar),
i18n (translations, one catalogue module per capability). Nothing here imports handlers, jobs, the shell or a
platform; docs/architecture.md states the import rules and tests/test_architecture.py enforces them.
"""
