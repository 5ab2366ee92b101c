from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.core.forms import RequestFormMixin
from guanjia.notifications.models import WebhookEndpoint
from guanjia.org.models import Unit, User


class WebhookEndpointForm(RequestFormMixin, forms.ModelForm):
    """Add or edit a group robot; the secret is never shown again (left empty: kept)."""

    secret = forms.CharField(label=_("签名密钥"), required=False, widget=forms.PasswordInput(render_value=False),
                             help_text=_("钉钉“加签”或飞书“签名校验”的密钥；企业微信无需填写。编辑时留空表示不修改。"))
    url = forms.URLField(label=_("Webhook 地址"), max_length=500, assume_scheme="https",
                         help_text=_("在群设置 → 群机器人中复制的完整地址。"))
    clear_secret = forms.BooleanField(label=_("清除已保存的密钥"), required=False)

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "kind", "url", "secret", "unit", "person", "enabled"]
        help_texts = {
            "unit": _("该单位全部经办人的通知都发到这个群。"),
            "person": _("该人员的通知都发到这个群。单位和人员都不选：服务中心群，接收发给管理员的通知。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["unit"].queryset = Unit.objects.visible_to(user).filter(archived_at__isnull=True)
        self.fields["person"].queryset = (User.objects.visible_to(user).filter(is_active=True)
                                          .order_by("name", "username"))
        if not self.instance.pk:
            del self.fields["clear_secret"]

    def secret_value(self) -> str | None:
        """The secret to store: None keeps the stored one."""
        if self.cleaned_data.get("clear_secret"):
            return ""
        secret = self.cleaned_data.get("secret") or ""
        if self.instance.pk and not secret:
            return None
        return secret

    def _post_clean(self):
        pass  # validated by the service
