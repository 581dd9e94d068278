//! The route table: every route the workbench answers, who may use it, and the filter that
//! says so before a byte of the body is read.
//!
//! Each page module lists its routes as [`RouteDoc`] constants (method, path, who, what) and
//! builds each filter with [`Base::guard`] on its constant, so the role a route admits is
//! written once. [`ROUTES`] collects them in the order they are tried; `docs/security.md`'s
//! table is made from it, and the authorisation test walks it (`tests/routes.rs`).

use std::sync::Arc;

use casetrail_app::Role;
use warp::filters::BoxedFilter;
use warp::{Filter, Rejection, Reply};

use crate::ctx::{Ctx, Forbidden, NotSignedIn, ctx};
use crate::pages::{
    access, analysis, assets, audits, casefile, confirm, exports, import, ops, panel, quality,
    signin, users,
};
use crate::state::Shared;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Anyone, signed in or not (the page itself says what each sees).
    Anyone,
    /// A signed-in user of one of these roles; without a session, the sign-in page.
    Roles(&'static [Role]),
}

/// One route as the table documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteDoc {
    pub method: Method,
    /// The path, with `{name}` for each part the route takes.
    pub path: &'static str,
    pub who: Who,
    /// Whether the request must carry the session's CSRF token (every form that changes
    /// something does).
    pub csrf: bool,
    pub doc: &'static str,
}

impl RouteDoc {
    pub const fn get(path: &'static str, who: Who, doc: &'static str) -> RouteDoc {
        RouteDoc {
            method: Method::Get,
            path,
            who,
            csrf: false,
            doc,
        }
    }

    pub const fn post(path: &'static str, who: Who, doc: &'static str) -> RouteDoc {
        RouteDoc {
            method: Method::Post,
            path,
            who,
            csrf: true,
            doc,
        }
    }

    pub fn admits(&self, role: Role) -> bool {
        match self.who {
            Who::Anyone => true,
            Who::Roles(roles) => roles.contains(&role),
        }
    }
}

pub const FACILITATOR: Who = Who::Roles(&[Role::Facilitator]);
pub const MEMBER: Who = Who::Roles(&[Role::PanelMember]);
pub const QUALITY: Who = Who::Roles(&[Role::Quality]);
pub const ADMIN: Who = Who::Roles(&[Role::Administrator]);
pub const FACILITATOR_OR_QUALITY: Who = Who::Roles(&[Role::Facilitator, Role::Quality]);

/// Every route, in the order they are tried.
pub const ROUTES: &[&[&RouteDoc]] = &[
    ops::ROUTES,
    assets::ROUTES,
    signin::ROUTES,
    audits::ROUTES,
    confirm::ROUTES,
    import::ROUTES,
    analysis::ROUTES,
    casefile::ROUTES,
    access::ROUTES,
    panel::ROUTES,
    quality::ROUTES,
    exports::ROUTES,
    users::ROUTES,
];

pub type Route = BoxedFilter<(Box<dyn Reply>,)>;

pub fn boxed<R: Reply + 'static>(
    filter: impl Filter<Extract = (R,), Error = Rejection> + Clone + Send + Sync + 'static,
) -> Route {
    filter.map(|r: R| Box::new(r) as Box<dyn Reply>).boxed()
}

/// GET, and HEAD wherever GET is (hyper sends the headers without the body).
pub fn get() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::get().or(warp::head()).unify()
}

pub fn post() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::post()
}

/// An urlencoded form of at most 64 KiB.
pub fn form<T: serde::de::DeserializeOwned + Send>()
-> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    warp::body::content_length_limit(64 * 1024).and(warp::body::form())
}

/// What every route is built from: the shared state.
#[derive(Debug, Clone)]
pub struct Base {
    shared: Arc<Shared>,
}

impl Base {
    pub fn shared(
        &self,
    ) -> impl Filter<Extract = (Arc<Shared>,), Error = std::convert::Infallible> + Clone + use<>
    {
        let shared = self.shared.clone();
        warp::any().map(move || shared.clone())
    }

    /// The request's context, admitted by `route`: without a session a page for signed-in
    /// users is the sign-in page, a session of another role is 403.
    pub fn guard(
        &self,
        route: &'static RouteDoc,
    ) -> impl Filter<Extract = (Ctx,), Error = Rejection> + Clone + use<> {
        ctx(self.shared.clone()).and_then(move |ctx: Ctx| async move {
            match (route.who, &ctx.session) {
                (Who::Anyone, _) => Ok(ctx),
                (Who::Roles(_), None) => Err(warp::reject::custom(NotSignedIn)),
                (Who::Roles(roles), Some(s)) if roles.contains(&s.role) => Ok(ctx),
                (Who::Roles(_), Some(_)) => Err(warp::reject::custom(Forbidden { lang: ctx.lang })),
            }
        })
    }
}

/// Every route's filter, tried in the order of [`ROUTES`].
pub fn table(shared: Arc<Shared>) -> Route {
    let base = Base { shared };
    let routes: Vec<Route> = [
        ops::routes(&base),
        assets::routes(&base),
        signin::routes(&base),
        audits::routes(&base),
        confirm::routes(&base),
        import::routes(&base),
        analysis::routes(&base),
        casefile::routes(&base),
        access::routes(&base),
        panel::routes(&base),
        quality::routes(&base),
        exports::routes(&base),
        users::routes(&base),
    ]
    .into_iter()
    .flatten()
    .collect();
    routes
        .into_iter()
        .fold(warp::any().and_then(no_route).boxed(), |a, b| {
            a.or(b).unify().boxed()
        })
}

/// Where the route table starts: it matches nothing, so the routes after it are tried in order.
async fn no_route() -> Result<Box<dyn Reply>, Rejection> {
    Err(warp::reject::not_found())
}

/// The table as `docs/security.md` shows it.
pub fn markdown() -> String {
    let mut out =
        String::from("| method | path | who | CSRF token | what |\n|---|---|---|---|---|\n");
    for route in ROUTES.iter().flat_map(|m| m.iter()) {
        let who = match route.who {
            Who::Anyone => "anyone".to_string(),
            Who::Roles(roles) => roles
                .iter()
                .map(|r| r.as_str().replace('_', " "))
                .collect::<Vec<_>>()
                .join(", "),
        };
        out.push_str(&format!(
            "| {} | `{}` | {who} | {} | {} |\n",
            route.method.as_str(),
            route.path,
            if route.csrf { "yes" } else { "no" },
            route.doc
        ));
    }
    out
}
