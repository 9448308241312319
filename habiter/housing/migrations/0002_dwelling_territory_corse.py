"""A dwelling can be in Corsica: the mainland's rules apply there, with its own IRL series (R15)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('housing', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dwelling',
            name='territory',
            field=models.CharField(choices=[('metropole', 'France métropolitaine (hors Corse)'), ('corse', 'Corse'), ('dom', 'Outre-mer (départements)')], default='metropole', max_length=20, verbose_name='territoire'),
        ),
    ]
