from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "allied.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from allied.accounts import signals  # noqa: F401
