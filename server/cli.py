"""Flask commands: seed-demo, create-user, create-token, the ``user`` group (list, deactivate,
reactivate, reset-password, end-sessions; each audited as actor "cli"), and area commands that
register here."""

import click
from flask.cli import with_appcontext

from server.models.user import ROLES
from server.services.accounts import users as accounts
from server.services.errors import ServiceError


def register_cli(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(create_token)
    app.cli.add_command(user_group)


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


@click.group("user")
def user_group():
    """Manage accounts: list, deactivate, reactivate, reset-password, end-sessions."""


@user_group.command("list")
@with_appcontext
def user_list():
    """Print every account with its role and state."""
    from server.extensions import db
    from server.models.user import User

    for user in db.session.scalars(db.select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}\t{'active' if user.is_active else 'deactivated'}")


@user_group.command("deactivate")
@click.argument("username")
@with_appcontext
def user_deactivate(username):
    """Turn an account off and end its sessions."""
    try:
        accounts.deactivate(accounts.user_by_name(username), "cli")
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"deactivated {username}")


@user_group.command("reactivate")
@click.argument("username")
@with_appcontext
def user_reactivate(username):
    """Turn an account back on."""
    try:
        accounts.reactivate(accounts.user_by_name(username), "cli")
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"reactivated {username}")


@user_group.command("reset-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def user_reset_password(username, password):
    """Set a new password; every session of the account ends."""
    try:
        accounts.reset_password(accounts.user_by_name(username), password, "cli")
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"password reset for {username}")


@user_group.command("end-sessions")
@click.argument("username")
@with_appcontext
def user_end_sessions(username):
    """Log an account out everywhere."""
    from server.services import audit

    try:
        user = accounts.user_by_name(username)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    accounts.end_sessions(user, commit=False)
    audit.record("cli", "user.end_sessions", user.username)
    click.echo(f"sessions ended for {username}")
