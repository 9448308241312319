import factory

from habiter.core.models import Organisation, Role, Team, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Association {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Équipe {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Names that never collide with the households' names a test looks for ("Martin", "Dupont"…).
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIAL_WORKER
    password = factory.django.Password("un-mot-de-passe-bien-long")

    class Params:
        director = factory.Trait(role=Role.DIRECTOR)
        team_lead = factory.Trait(role=Role.TEAM_LEAD)
        volunteer = factory.Trait(role=Role.VOLUNTEER)
        receptionist = factory.Trait(role=Role.RECEPTIONIST)
