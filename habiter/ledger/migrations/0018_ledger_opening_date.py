"""The ledger's opening date (date d'ouverture de la comptabilité), one settings row per organisation: no entry
may be dated before it. A new table only; nothing posted is touched."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_reseed_tenant_notice'),
        ('ledger', '0017_charge_regularisation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerSettings',
            fields=[
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='créé le')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('opened_on', models.DateField(blank=True, null=True, verbose_name="date d'ouverture de la comptabilité")),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='core.organisation', verbose_name='association')),
                ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'paramètres de la comptabilité',
                'ordering': ['organisation'],
                'constraints': [models.UniqueConstraint(fields=('organisation',), name='ledger_settings_once', violation_error_message="L'association a déjà ses paramètres de comptabilité.")],
            },
        ),
    ]
