from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "lifeline.content"
    label = "content"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.content.demo import seed
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile

        # Any signed-in user may read, join and create channels: the tile is shown for every
        # role.
        register_home_tile(
            "content-web:home",
            title=_("Channels"),
            description=_("Community channels: posts, threaded discussions, likes and moderation."),
            roles=list(Role),
        )
        register(seed)
