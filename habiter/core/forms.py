import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .partners import partner_names


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Après plusieurs erreurs, le compte est bloqué pendant une heure."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (current password checked, new one validated), with the browsers' autocomplete hints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mot de passe actuel")
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password2"].label = _("Nouveau mot de passe (confirmation)")
        self.fields["new_password1"].help_text = _(
            "Au moins 15 caractères : une phrase de plusieurs mots est facile à retenir et difficile à deviner."
        )
        self.fields["new_password2"].help_text = ""


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Nom du jeton (à quoi il sert)"), max_length=100)


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Utilisateur"), queryset=User.objects.none(), required=False)
    person = forms.CharField(
        label=_("Personne ou ménage"),
        help_text=_("Un nom, avec ou sans accents."),
        max_length=100,
        required=False,
    )
    date_from = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users
        self.fields["user"].empty_label = _("Tous")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data


def apply_validation_error(form, error) -> None:
    """Show a service's ValidationError on the form: on its fields when it names them, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class OrganisationSettingsForm(forms.Form):
    """The letterhead of the organisation's PDFs and letters, and who signs each kind of letter."""

    legal_name = forms.CharField(label=_("Raison sociale"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Adresse"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        help_text=_("Le numéro à appeler que donnent les lettres de relance."),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Courriel"),
        required=False,
        error_messages={"invalid": _("Saisissez une adresse de courriel valide, par exemple contact@asso.fr.")},
    )
    siret = forms.CharField(
        label=_("SIRET"),
        help_text=_("14 chiffres ; les espaces sont acceptés."),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("Image PNG ou JPEG, 1 Mo au plus. Il remplace le logo actuel."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)
    arrears_signatory_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    arrears_signatory_title = forms.CharField(label=_("Fonction"), max_length=150, required=False)
    rent_signatory_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    rent_signatory_title = forms.CharField(label=_("Fonction"), max_length=150, required=False)
    support_signatory_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    support_signatory_title = forms.CharField(label=_("Fonction"), max_length=150, required=False)
    owner_signatory_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    owner_signatory_title = forms.CharField(label=_("Fonction"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cer_signed_on"] = date_field(
            _("Contrat d'engagement républicain souscrit le"),
            required=False,
            help_text=_(
                "Demandé avant toute demande de subvention publique (loi du 12 avril 2000, art. 10-1) : sans cette "
                "date, une demande ne peut pas être enregistrée."
            ),
        )

    def clean_siret(self):
        from .models import validate_siret

        value = self.cleaned_data["siret"].replace(" ", "")
        if value:
            validate_siret(value)
        return value

    def letterhead_fields(self):
        return [self[name] for name in ("legal_name", "address", "phone", "email", "siret", "logo", "remove_logo")]

    def signatory_groups(self):
        """(kind label, name field, title field) for each kind of letter."""
        from .models import LetterKind

        return [
            (kind.label, self[f"{kind.value}_signatory_name"], self[f"{kind.value}_signatory_title"])
            for kind in LetterKind
        ]


class PlainFormSet(forms.BaseFormSet):
    """A formset whose own errors say what to do in plain French, not Django's « Veuillez soumettre au moins 1
    formulaire »: the lines of a list the user fills in (members, rooms, the parts of a bank transfer…)."""

    default_error_messages = {
        "missing_management_form": _("Le formulaire est incomplet : rechargez la page puis saisissez à nouveau."),
        "too_many_forms": _("Trop de lignes : %(num)d au plus."),
        "too_few_forms": _("Lignes à remplir : au moins %(num)d."),
    }


DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]  # the browser's date picker, and a date typed by hand
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # copied by each field that uses it
DATE_ERRORS = {"invalid": _("Date invalide : jj/mm/aaaa attendu.")}


class AmountField(forms.DecimalField):
    """A number typed the way it is written in French: « 1 200,50 » — the thousands apart by a space (an ordinary one,
    as typed, or the non-breaking ones a copied figure brings), the decimals after a comma or a dot. Django's French
    format strips only its own separator, and only when figures are shown with it, which Habiter does not do."""

    SPACES = re.compile(r"[ \u00a0\u202f]")

    def to_python(self, value):
        if isinstance(value, str):
            value = self.SPACES.sub("", value.strip())
        return super().to_python(value)


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    """A date typed or picked, with a French error: the field every form of dates uses."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DATE_WIDGET,
        input_formats=DATE_INPUT_FORMATS,
        error_messages=DATE_ERRORS,
    )


class PartnerNameInput(forms.TextInput):
    """A partner's name, typed, with the organisation's partners offered as suggestions (`names`, set by the form)."""

    template_name = "core/widgets/partner_name.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.names = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-partners"
        widget["attrs"]["list"] = widget["list_id"]
        widget["names"] = self.names
        return context


def offer_partner_names(form, field_name, user):
    """Fill a partner field's suggestions with the names of the user's organisation's partners (one query)."""
    form.fields[field_name].widget.names = partner_names(user)
