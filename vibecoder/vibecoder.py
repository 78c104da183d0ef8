"""The Reflex app: registers every page and mounts the plain HTTP API next to the websocket."""

from __future__ import annotations

import reflex as rx

from vibecoder.api import build_api
from vibecoder.api.security import SecurityMiddleware
from vibecoder.components.analytics import dashboard_nav_link
from vibecoder.components.buy_button import buy_button
from vibecoder.components.errors import backend_exception_handler
from vibecoder.components.layout import (
    enable_feature,
    register_menu_link,
    register_nav_link,
    register_nav_widget,
)
from vibecoder.components.notifications_bell import notifications_bell
from vibecoder.components.remix import listing_remix_slot
from vibecoder.components.report_listing import report_listing
from vibecoder.components.sandbox_panel import sandbox_panel
from vibecoder.components.similar_listings import similar_listings_panel
from vibecoder.components.variation_panel import variation_panel
from vibecoder.infra.observability import configure_logging, init_sentry
from vibecoder.pages import (
    account,
    account_email,
    admin,
    auth,
    browse,
    build,
    build_project,
    dashboard,
    home,
    library,
    listing,
    profile,
    search,
    sell,
    seller_sales,
)
from vibecoder.settings import get_settings
from vibecoder.state.account import AccountState
from vibecoder.state.admin import AdminState
from vibecoder.state.auth import AuthState, SignInState, SignUpState
from vibecoder.state.browse import BrowseState
from vibecoder.state.build import BuildListState, BuildProjectState
from vibecoder.state.build_preview import BuildPreviewState
from vibecoder.state.capabilities import CapabilitiesState
from vibecoder.state.dashboard import DashboardState
from vibecoder.state.email_account import (
    EmailSettingsState,
    ForgotPasswordState,
    ResetPasswordState,
)
from vibecoder.state.library import LibraryState
from vibecoder.state.listing import ListingState
from vibecoder.state.profile import ProfileState
from vibecoder.state.purchase import PurchaseState
from vibecoder.state.remix import RemixState
from vibecoder.state.request_host import RequestHostMiddleware
from vibecoder.state.sandbox_editor import SandboxEditorState
from vibecoder.state.sandbox_panel import SandboxPanelState
from vibecoder.state.search import SearchState
from vibecoder.state.sell import SellState
from vibecoder.state.seller_sales import SellerSalesState
from vibecoder.state.similar import SimilarListingsState
from vibecoder.state.variation import VariationState, VariationSwitchState

# JSON logs with request ids in production, Sentry when SENTRY_DSN is set (nothing otherwise).
if get_settings().environment == "production" or get_settings().log_format:
    configure_logging("backend")
init_sentry("backend")

listing.SIDE_PANELS.append(sandbox_panel)
listing.SIDE_PANELS.append(similar_listings_panel)
# Remix (issue 20, part B): preview a variation of a web listing before buying it.
listing.SIDE_PANELS.append(variation_panel)
enable_feature("search")
register_nav_link("Browse", "/browse")
register_nav_link("Sell", "/sell")
# Commerce: the Buy/Get button, the library, the notifications bell, sales and payouts.
listing.ACTION_SLOTS.append(buy_button)
register_nav_link("Library", "/library")
register_nav_link("Build", "/build")
register_nav_widget(notifications_bell)
# Seller analytics: the Dashboard link (sellers only) beside the bell.
register_nav_widget(dashboard_nav_link)
register_menu_link("Dashboard", "/dashboard", AuthState.is_seller)
# Moderation: "Report listing" on listing pages, the admin area and its nav link (admins only).
listing.ACTION_SLOTS.append(report_listing)
# Remixes: "Open in builder" and "Remixed from …" in the buy box (docs/remix.md).
listing.ACTION_SLOTS.append(listing_remix_slot)
register_nav_widget(admin.admin_nav_link)
register_menu_link("Admin", "/admin", AuthState.is_admin)

app = rx.App(
    # The API routes, then one security middleware around everything (API, websocket, preview).
    api_transformer=[build_api(), SecurityMiddleware],
    backend_exception_handler=backend_exception_handler,
    stylesheets=["/styles.css"],
    style={"font_family": "Inter, ui-sans-serif, system-ui, -apple-system, sans-serif"},
    head_components=[rx.el.meta(name="color-scheme", content="dark")],
)

# URLs built during an event follow the host the browser used (no localhost assumption).
app.add_middleware(RequestHostMiddleware())

app.add_page(
    home.index,
    route="/",
    title="VibeCoder — AI-generated code marketplace",
    on_load=home.HomeState.load,
)
app.add_page(auth.signin, route="/signin", title="Sign in · VibeCoder", on_load=SignInState.load)
app.add_page(auth.signup, route="/signup", title="Sign up · VibeCoder", on_load=SignUpState.load)
app.add_page(
    account.account,
    route="/account",
    title="Account · VibeCoder",
    on_load=[AccountState.load, EmailSettingsState.load_email],
)
app.add_page(
    account_email.forgot_page,
    route="/forgot",
    title="Reset password · VibeCoder",
    on_load=ForgotPasswordState.load_user,
)
app.add_page(
    account_email.reset_page,
    route="/reset",
    title="Choose a new password · VibeCoder",
    on_load=ResetPasswordState.load,
)
app.add_page(
    browse.browse_page, route="/browse", title="Browse · VibeCoder", on_load=BrowseState.load
)
app.add_page(
    search.search_page, route="/search", title="Search · VibeCoder", on_load=SearchState.load
)
app.add_page(
    listing.listing_page,
    route="/listing/[slug]",
    title="VibeCoder",
    # In turn, one at a time per tab: the buy box (price, "In your library", "Open in
    # builder") right after the listing, before the slower panels further down the page.
    on_load=[
        ListingState.load,
        PurchaseState.load,
        RemixState.load_listing,
        SandboxPanelState.load,
        CapabilitiesState.check,
        SimilarListingsState.load,
        SandboxEditorState.load,
        VariationState.load,
    ],
)
app.add_page(
    profile.profile_page,
    route="/u/[username]",
    title="Creator · VibeCoder",
    on_load=ProfileState.load,
)
app.add_page(
    sell.sell_dashboard, route="/sell", title="Sell · VibeCoder", on_load=SellState.load_dashboard
)
app.add_page(
    sell.listing_editor,
    route="/sell/[listing_id]",
    title="Edit listing · VibeCoder",
    on_load=[SellState.load_editor, VariationSwitchState.load_switch],
)
app.add_page(
    library.library_page, route="/library", title="Library · VibeCoder", on_load=LibraryState.load
)
app.add_page(
    seller_sales.seller_sales_page,
    route="/sell/payouts",
    title="Sales and payouts · VibeCoder",
    on_load=SellerSalesState.load,
)
# The AI builder: projects, and one project's chat, plan, progress, preview and history.
app.add_page(
    build.build_page,
    route="/build",
    title="Build · VibeCoder",
    on_load=[BuildListState.load, CapabilitiesState.check],
)
app.add_page(
    build_project.build_project_page,
    route="/build/[project]",
    title="Builder · VibeCoder",
    on_load=[
        BuildProjectState.load,
        BuildPreviewState.load_preview,
        CapabilitiesState.check,
        RemixState.load_project,
    ],
)
# Seller analytics: the dashboard and one listing's analytics (sellers only, refused otherwise).
app.add_page(
    dashboard.dashboard_page,
    route="/dashboard",
    title="Dashboard · VibeCoder",
    on_load=DashboardState.load,
)
app.add_page(
    dashboard.listing_analytics_page,
    route="/dashboard/listings/[slug]",
    title="Listing analytics · VibeCoder",
    on_load=DashboardState.load,
)
app.add_page(admin.admin_page, route="/admin", title="Admin · VibeCoder", on_load=AdminState.load)
