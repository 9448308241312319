"""Turn a partner typed as text into a link to a partner record, for the data migrations of the apps that stored
partners as text (decision record 0036). Works on the historical models the migration passes in: no value is lost,
every distinct name of an organisation becomes one partner, matched without regard to case or
surrounding spaces."""

OTHER = "other"


def _clean(text):
    return (text or "").strip()


def texts_to_partners(apps, app_label, model_name, text_field, link_field):
    """Link each row's `link_field` to the organisation's partner named by its `text_field`."""
    Partner = apps.get_model("core", "Partner")
    Model = apps.get_model(app_label, model_name)
    known = {}
    for partner in Partner.objects.order_by("id"):
        known.setdefault((partner.organisation_id, partner.name.casefold()), partner.pk)
    rows = Model.objects.exclude(**{text_field: ""}).only("pk", "organisation_id", text_field)
    for row in rows.iterator():
        name = _clean(getattr(row, text_field))[:200]
        if not name:
            continue
        key = (row.organisation_id, name.casefold())
        if key not in known:
            known[key] = Partner.objects.create(organisation_id=row.organisation_id, name=name, kind=OTHER).pk
        Model.objects.filter(pk=row.pk).update(**{f"{link_field}_id": known[key]})


def partners_to_texts(apps, app_label, model_name, text_field, link_field):
    """The way back: the text takes the linked partner's name."""
    Model = apps.get_model(app_label, model_name)
    rows = Model.objects.exclude(**{f"{link_field}__isnull": True}).select_related(link_field)
    for row in rows.iterator():
        Model.objects.filter(pk=row.pk).update(**{text_field: getattr(row, link_field).name})
