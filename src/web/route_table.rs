//! The route table type: the web modules add their routes to it and `routes` assembles the
//! whole table. Kept apart from `routes` so the modules it assembles never import it back.

use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Responder, Route};

#[derive(Default)]
pub struct RouteTable {
    entries: Vec<(String, Vec<(Method, Route)>)>,
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

    /// One resource per path, so a wrong method answers 405 rather than 404.
    pub fn apply(self, cfg: &mut web::ServiceConfig) {
        for (path, routes) in self.entries {
            let mut resource = web::resource(path);
            for (_, route) in routes {
                resource = resource.route(route);
            }
            cfg.service(resource);
        }
    }
}
