"""Domain rules shared by handlers, jobs and the shell: the approval and acceptance policies, every metric's
formula, what a contract's payments stand at, what a payment release announces, whose a standup blocker is, and
how a message reaches people other than the one who wrote. Imports only the toolkit (`bot.core`), itself and
`storage` — never a handler, the parser or the shell — so a job uses a rule without pulling in chat handling."""
