//! Runs GraphQL operations to their end in tasks of their own.
//!
//! A request future is dropped when its client goes away, a timeout fires or the server
//! shuts down. Dropped inside a use case, it could leave a pooled connection inside an
//! open transaction (sqlx 0.9 returns a connection whose `BEGIN` was interrupted to the
//! pool as if idle), and the next borrower's writes would run in it. Spawned, the use
//! case always reaches its commit or rollback; only the wait for its answer is dropped.

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::stream::{BoxStream, StreamExt as _};

use crate::graphql::operation::operation_type;
use crate::graphql::{AppSchema, code};

#[derive(Clone)]
pub struct DetachedExecutor(pub AppSchema);

impl Executor for DetachedExecutor {
    async fn execute(&self, request: Request) -> Response {
        let schema = self.0.clone();
        tokio::spawn(async move { schema.execute(request).await })
            .await
            .unwrap_or_else(|error| internal_error(&error))
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        // Subscriptions only read, and must stop with their connection.
        if operation_type(&mut request) == Some(OperationType::Subscription) {
            return Executor::execute_stream(&self.0, request, session_data);
        }
        let schema = self.0.clone();
        let running = tokio::spawn(async move {
            Executor::execute_stream(&schema, request, session_data)
                .collect::<Vec<_>>()
                .await
        });
        futures_util::stream::once(running)
            .flat_map(|finished| {
                futures_util::stream::iter(
                    finished.unwrap_or_else(|error| vec![internal_error(&error)]),
                )
            })
            .boxed()
    }
}

fn internal_error(error: &tokio::task::JoinError) -> Response {
    tracing::error!(%error, "a GraphQL operation failed to complete");
    let mut error = ServerError::new("internal error", None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code::INTERNAL);
    Response::from_errors(vec![error])
}
