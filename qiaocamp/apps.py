from django.apps import AppConfig


class QiaoCampConfig(AppConfig):
    name = "qiaocamp"
    verbose_name = "QiaoCamp"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from qiaocamp.language import language_on_login

        user_logged_in.connect(language_on_login, dispatch_uid="qiaocamp.language_on_login")
