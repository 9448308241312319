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


def api_token_for(user, name="Tests"):
    """A token of `user`, as `services.api_token_create` issues it; for a role the API does not serve, the token it
    would still hold from before a change of role (the API must refuse what it asks)."""
    from habiter.core import services
    from habiter.core.models import Role as UserRole

    if user.has_perm("core.use_api"):
        return services.api_token_create(actor=user, name=name)
    role = user.role
    user.role = UserRole.DIRECTOR
    try:
        return services.api_token_create(actor=user, name=name)
    finally:
        user.role = role
