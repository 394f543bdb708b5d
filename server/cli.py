"""Flask commands: seed-demo, create-user, create-token (and area commands that register here)."""
import click
from flask.cli import with_appcontext

from server.models.user import ROLES
from server.services.accounts import users as accounts
from server.services.errors import ServiceError


def register_cli(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(create_token)


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Seed the demo congress if the database has no events yet."""
    from flask import current_app

    from server.services.demo.seed import ensure_demo

    seeded = ensure_demo(current_app.config.get("ADMIN_PASSWORD"))
    click.echo("demo seeded" if seeded else "database already has events; nothing to do")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="")
@with_appcontext
def create_user(username, role, password, display_name):
    """Create an account."""
    try:
        user = accounts.create_user(username, password, role, display_name)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"created {user.username} ({user.role})")


@click.command("create-token")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="")
@with_appcontext
def create_token(role, name):
    """Create a bearer token and print it (it is shown only this once)."""
    _token, plain = accounts.create_token(role, name)
    click.echo(plain)
