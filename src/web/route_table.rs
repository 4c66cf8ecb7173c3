//! The route table type: the web modules add their routes to it and `routes` assembles the
//! whole table. Kept apart from `routes` so the modules it assembles never import it back.

use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Responder, Route};

/// A path and its routes, one per method.
type Entry = (String, Vec<(Method, Route)>);

#[derive(Default)]
pub struct RouteTable {
    entries: Vec<Entry>,
}

impl RouteTable {
    pub fn add<F, Args>(&mut self, method: Method, path: &str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let mut routes = Vec::new();
        if method == Method::GET {
            // HEAD is answered like GET, without the body (actix drops it): uptime monitors
            // and link checkers use it.
            routes.push((Method::HEAD, web::method(Method::HEAD).to(handler.clone())));
        }
        routes.push((method.clone(), web::method(method).to(handler)));
        match self.entries.iter_mut().find(|(p, _)| p == path) {
            Some((_, existing)) => existing.extend(routes),
            None => self.entries.push((path.to_string(), routes)),
        }
    }

    pub fn get<F, Args>(&mut self, path: &str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, handler)
    }

    pub fn post<F, Args>(&mut self, path: &str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, handler)
    }

    /// Every (method, path pattern) pair (HEAD, which every GET route answers, left out).
    pub fn list(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .flat_map(|(p, routes)| {
                routes
                    .iter()
                    .filter(|(m, _)| *m != Method::HEAD)
                    .map(move |(m, _)| (m.to_string(), p.clone()))
            })
            .collect()
    }

    /// One resource per path, so a wrong method answers 405 rather than 404. Paths that begin
    /// with the same literal segment go into one scope: actix tries a request's path against
    /// the resources in order, and a resource with a `{…}` segment is a regular expression, so
    /// a flat table ran dozens of them for every lesson page (5–10 % of its time); a scope's
    /// prefix is compared as text and only its own resources are tried. The order within a
    /// segment is kept (an earlier pattern still wins), and the segments cannot overlap: none
    /// starts with a `{…}` segment (`first_segment`).
    pub fn apply(self, cfg: &mut web::ServiceConfig) {
        let mut groups: Vec<(String, Vec<Entry>)> = Vec::new();
        for (path, routes) in self.entries {
            let segment = first_segment(&path).unwrap_or_default().to_string();
            match groups
                .iter_mut()
                .find(|(s, _)| !s.is_empty() && *s == segment)
            {
                Some((_, members)) => members.push((path, routes)),
                None => groups.push((segment, vec![(path, routes)])),
            }
        }
        for (segment, members) in groups {
            if segment.is_empty() || members.len() == 1 {
                for (path, routes) in members {
                    cfg.service(resource(&path, routes));
                }
                continue;
            }
            let prefix = format!("/{segment}");
            let mut scope = web::scope(&prefix);
            for (path, routes) in members {
                scope = scope.service(resource(&path[prefix.len()..], routes));
            }
            cfg.service(scope);
        }
    }
}

fn resource(path: &str, routes: Vec<(Method, Route)>) -> actix_web::Resource {
    let mut resource = web::resource(path);
    for (_, route) in routes {
        resource = resource.route(route);
    }
    resource
}

/// The path's first segment when it is literal text ("ryhmat" of "/ryhmat/{cohort}"); None for
/// "/" and for a segment with a pattern in it.
fn first_segment(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let segment = rest.split('/').next().unwrap_or_default();
    (!segment.is_empty() && !segment.contains(['{', '}', '*'])).then_some(segment)
}

#[cfg(test)]
mod tests {
    use super::first_segment;

    #[test]
    fn only_a_literal_first_segment_names_a_scope() {
        assert_eq!(first_segment("/ryhmat/{cohort}/{lesson}"), Some("ryhmat"));
        assert_eq!(first_segment("/tietopankki"), Some("tietopankki"));
        assert_eq!(first_segment("/"), None);
        assert_eq!(first_segment("/{page}"), None);
        assert_eq!(first_segment("/a{b}/c"), None);
        assert_eq!(first_segment("ryhmat"), None);
    }
}
