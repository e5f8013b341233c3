# The README's commands, nothing more.
.PHONY: serve test ci

serve:
	uv run lifeline serve --demo

test:
	uv run pytest

ci:
	./.ci/run
