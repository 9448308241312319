from django import forms
from django.utils.translation import gettext_lazy as _

from habiter.core.form_rendering import RenderedOnce
from habiter.core.forms import PlainFormSet
from habiter.core.models import Role, Team
from habiter.core.versioning import VersionField

from . import queries
from .models import Concern, Household, HouseholdNote, Person, Sex


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un ménage"),
        required=False,
        max_length=200,
        help_text=_("Nom, téléphone ou date de naissance (jj/mm/aaaa)."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ConcernField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.label


class HouseholdForm(forms.ModelForm):
    """The household's own fields, its team, referent and concerns."""

    required_css_class = "required"

    version = VersionField()
    concerns = ConcernField(label=_("Problématiques"), queryset=None, required=False)

    class Meta:
        model = Household
        fields = ["name", "address", "postal_code", "city", "phone", "email", "sms_consent", "team", "referent"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
            "city": forms.TextInput(attrs={"autocomplete": "off"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {"name": _("Laissé vide à la création : le nom de la personne de référence.")}

    def __init__(self, *args, user, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        household = None if creating else self.instance
        self.categories = queries.concern_choices(user, household)
        allowed = [c.pk for category in self.categories for c in category.concerns.all()]
        self.fields["concerns"].queryset = Concern.objects.filter(pk__in=allowed).select_related("category")
        if not creating:
            self.initial["concerns"] = [c.pk for c in household.concerns.all() if c.pk in allowed]
            self.initial["version"] = household.version
        self.fields["referent"].queryset = queries.referent_choices(user)
        self.fields["referent"].empty_label = _("(aucun)")
        if user.role == Role.DIRECTOR:
            self.fields["team"].queryset = Team.objects.filter(organisation_id=user.organisation_id)
            self.fields["team"].empty_label = _("(aucune)")
        else:
            del self.fields["team"]
        if creating:
            self.fields["name"].required = False
            if user.role == Role.SOCIAL_WORKER:
                del self.fields["referent"]

    def concern_groups(self):
        """The concern checkboxes grouped by category, for the template."""
        by_value = {str(w.data["value"]): w for w in self["concerns"]}
        return [
            (category, [by_value[str(c.pk)] for c in category.concerns.all() if str(c.pk) in by_value])
            for category in self.categories
        ]


class MemberForm(forms.ModelForm):
    required_css_class = "required"
    version = VersionField()

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "relation",
            "phone",
            "email",
            "nationality",
            "residence_permit_expiry",
        ]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "nationality": forms.TextInput(attrs={"autocomplete": "off"}),
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "residence_permit_expiry": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("birth_date", "residence_permit_expiry"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
            self.fields[name].error_messages["invalid"] = _("Date invalide : jj/mm/aaaa attendu.")
        self.fields["sex"].choices = [("", _("Non renseigné")), *Sex.choices]
        if self.empty_permitted:
            self.required_css_class = ""  # an optional member: its fields are required only once it is filled in
        if not self.instance._state.adding:
            self.initial["version"] = self.instance.version
        else:
            del self.fields["version"]

    def member_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}


class BaseMemberFormSet(PlainFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("Ajoutez au moins un membre du ménage."))


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=3, min_num=1, max_num=12, validate_max=True
)


class NoteForm(RenderedOnce, forms.ModelForm):
    required_css_class = "required"

    class Meta:
        model = HouseholdNote
        fields = ["text", "restricted"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, may_restrict=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_restrict:
            del self.fields["restricted"]


class ConcernForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Catégorie"), queryset=None)
    label = forms.CharField(label=_("Nouvelle problématique"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = queries.concern_taxonomy(user)
