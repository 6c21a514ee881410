//! Dapr: publishing through the sidecar's gRPC API, and the app callback through which
//! the sidecar delivers topic events and the `reminder-cron` binding.
//!
//! Subscriptions are declared programmatically (`ListTopicSubscriptions`), never in
//! component YAML as well. The callback listens on its own address, apart from the
//! public HTTP listener, and every call must carry the app API token.

use std::collections::HashMap;
use std::net::SocketAddr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dapr::client::{ClientOptions, TonicClientWithAuth};
use dapr::dapr::proto::common::v1::{InvokeRequest, InvokeResponse};
use dapr::dapr::proto::runtime::v1::app_callback_server::{AppCallback, AppCallbackServer};
use dapr::dapr::proto::runtime::v1::topic_event_bulk_request_entry::Event as BulkEvent;
use dapr::dapr::proto::runtime::v1::topic_event_response::TopicEventResponseStatus;
use dapr::dapr::proto::runtime::v1::{
    BindingEventRequest, BindingEventResponse, BulkSubscribeConfig, JobEventRequest,
    JobEventResponse, ListInputBindingsResponse, ListTopicSubscriptionsResponse,
    TopicEventBulkRequest, TopicEventBulkRequestEntry, TopicEventBulkResponse,
    TopicEventBulkResponseEntry, TopicEventCeRequest, TopicEventRequest, TopicEventResponse,
    TopicSubscription,
};
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::{BatchOutcome, BusError, CronHandler, Dispatcher, EventBus, Outcome};
use crate::domain::event::{CloudEvent, JSON_CONTENT_TYPE, SPEC_VERSION, topic};

/// The input binding that triggers the reminder sweep.
pub const REMINDER_CRON_BINDING: &str = "reminder-cron";
const CLOUDEVENTS_CONTENT_TYPE: &str = "application/cloudevents+json";
/// A bulk delivery holds at most this many events, and the sidecar waits at most this
/// long to fill one: the consumers' batch, traded against a little latency.
const BULK_MAX_EVENTS: i32 = 100;
const BULK_MAX_AWAIT_MS: i32 = 50;

/// Publishes to Dapr pub/sub through the sidecar. Connects on first use and again after
/// a failure, so the service starts (and keeps its outbox) while the sidecar is away.
pub struct DaprBus {
    options: ClientOptions,
    pubsub: String,
    client: Mutex<Option<dapr::Client<TonicClientWithAuth>>>,
}

impl DaprBus {
    pub fn new(options: ClientOptions, pubsub: String) -> Self {
        Self {
            options,
            pubsub,
            client: Mutex::new(None),
        }
    }
}

#[async_trait]
impl EventBus for DaprBus {
    async fn publish(&self, topic: &str, events: &[CloudEvent]) -> Result<(), BusError> {
        for event in events {
            self.publish_one(topic, event).await?;
        }
        Ok(())
    }
}

impl DaprBus {
    async fn publish_one(&self, topic: &str, event: &CloudEvent) -> Result<(), BusError> {
        let body = serde_json::to_vec(event).map_err(|e| BusError::Unavailable(e.to_string()))?;
        let mut slot = self.client.lock().await;
        if slot.is_none() {
            let client = dapr::Client::from_options(self.options.clone())
                .await
                .map_err(|e| {
                    BusError::Unavailable(format!("cannot reach the Dapr sidecar: {e}"))
                })?;
            *slot = Some(client);
        }
        let Some(client) = slot.as_mut() else {
            return Err(BusError::Unavailable("no Dapr client".to_owned()));
        };
        // A structured CloudEvent: Dapr passes it on as it is instead of wrapping it.
        let result = client
            .publish_event(
                self.pubsub.clone(),
                topic.to_owned(),
                CLOUDEVENTS_CONTENT_TYPE.to_owned(),
                body,
                None,
            )
            .await;
        if let Err(error) = result {
            *slot = None;
            return Err(BusError::Unavailable(error.to_string()));
        }
        Ok(())
    }
}

/// The app side of the Dapr gRPC protocol.
pub struct Callback {
    pubsub: String,
    dispatcher: Dispatcher,
    cron: Option<std::sync::Arc<dyn CronHandler>>,
}

impl Callback {
    pub fn new(
        pubsub: String,
        dispatcher: Dispatcher,
        cron: Option<std::sync::Arc<dyn CronHandler>>,
    ) -> Self {
        Self {
            pubsub,
            dispatcher,
            cron,
        }
    }

    /// Serves the callback on `listener` until `shutdown`, refusing calls without
    /// `app_api_token`.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        app_api_token: SecretString,
        shutdown: CancellationToken,
    ) -> Result<(), tonic::transport::Error> {
        let address: Option<SocketAddr> = listener.local_addr().ok();
        tracing::info!(?address, "Dapr app callback listening");
        tonic::transport::Server::builder()
            .layer(dapr::client::AppApiTokenLayer::new(Some(
                app_api_token.expose_secret().to_owned(),
            )))
            .add_service(AppCallbackServer::new(self))
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(listener),
                shutdown.cancelled_owned(),
            )
            .await
    }
}

/// Rebuilds the CloudEvent that the sidecar delivers field by field.
fn event_from_request(request: &TopicEventRequest) -> Result<CloudEvent, String> {
    event_from_fields(&TopicEventCeRequest {
        id: request.id.clone(),
        source: request.source.clone(),
        r#type: request.r#type.clone(),
        spec_version: request.spec_version.clone(),
        data_content_type: request.data_content_type.clone(),
        data: request.data.clone(),
        extensions: request.extensions.clone(),
    })
}

/// One entry of a bulk delivery: a CloudEvent field by field, or the structured
/// CloudEvent's JSON as the relay published it.
fn event_from_bulk_entry(entry: &TopicEventBulkRequestEntry) -> Result<CloudEvent, String> {
    match &entry.event {
        Some(BulkEvent::CloudEvent(fields)) => event_from_fields(fields),
        Some(BulkEvent::Bytes(json)) => {
            serde_json::from_slice(json).map_err(|e| format!("not a CloudEvent: {e}"))
        }
        None => Err("the entry carries no event".to_owned()),
    }
}

fn event_from_fields(request: &TopicEventCeRequest) -> Result<CloudEvent, String> {
    let id = request
        .id
        .parse()
        .map_err(|_| format!("event id {:?} is not a UUID", request.id))?;
    let data =
        serde_json::from_slice(&request.data).map_err(|e| format!("data is not JSON: {e}"))?;
    let extension = |name: &str| -> Option<String> {
        request
            .extensions
            .as_ref()?
            .fields
            .get(name)
            .and_then(|value| match &value.kind {
                Some(prost_types::value::Kind::StringValue(text)) => Some(text.clone()),
                _ => None,
            })
    };
    let time = extension("time")
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    Ok(CloudEvent {
        specversion: if request.spec_version.is_empty() {
            SPEC_VERSION.to_owned()
        } else {
            request.spec_version.clone()
        },
        id,
        source: request.source.clone(),
        event_type: request.r#type.clone(),
        subject: extension("subject"),
        time,
        datacontenttype: if request.data_content_type.is_empty() {
            JSON_CONTENT_TYPE.to_owned()
        } else {
            request.data_content_type.clone()
        },
        traceparent: extension("traceparent"),
        data,
    })
}

fn bulk_status(entry_id: &str, status: TopicEventResponseStatus) -> TopicEventBulkResponseEntry {
    TopicEventBulkResponseEntry {
        entry_id: entry_id.to_owned(),
        status: status.into(),
    }
}

fn topic_response(status: TopicEventResponseStatus) -> Response<TopicEventResponse> {
    Response::new(TopicEventResponse {
        status: status.into(),
    })
}

#[async_trait]
impl AppCallback for Callback {
    async fn on_invoke(
        &self,
        _request: Request<InvokeRequest>,
    ) -> Result<Response<InvokeResponse>, Status> {
        Err(Status::unimplemented(
            "this app exposes no service invocation methods",
        ))
    }

    async fn list_topic_subscriptions(
        &self,
        _request: Request<()>,
    ) -> Result<Response<ListTopicSubscriptionsResponse>, Status> {
        let subscriptions = [topic::AUDIT, topic::REMINDERS]
            .into_iter()
            .map(|topic| TopicSubscription {
                pubsub_name: self.pubsub.clone(),
                topic: topic.to_owned(),
                metadata: HashMap::new(),
                // The sidecar hands events over in batches, which the consumers apply
                // in one transaction each.
                bulk_subscribe: Some(BulkSubscribeConfig {
                    enabled: true,
                    max_messages_count: BULK_MAX_EVENTS,
                    max_await_duration_ms: BULK_MAX_AWAIT_MS,
                }),
                ..Default::default()
            })
            .collect();
        Ok(Response::new(ListTopicSubscriptionsResponse {
            subscriptions,
        }))
    }

    async fn on_topic_event(
        &self,
        request: Request<TopicEventRequest>,
    ) -> Result<Response<TopicEventResponse>, Status> {
        let request = request.into_inner();
        let event = match event_from_request(&request) {
            Ok(event) => event,
            Err(error) => {
                let dropped = self.dispatcher.count_drop(&request.topic);
                tracing::error!(topic = %request.topic, id = %request.id, %error, dropped_total = dropped, "malformed event dropped");
                return Ok(topic_response(TopicEventResponseStatus::Drop));
            }
        };
        let status = match self.dispatcher.dispatch(&request.topic, &event).await {
            Outcome::Success => TopicEventResponseStatus::Success,
            Outcome::Retry => TopicEventResponseStatus::Retry,
            Outcome::Drop => TopicEventResponseStatus::Drop,
        };
        Ok(topic_response(status))
    }

    async fn list_input_bindings(
        &self,
        _request: Request<()>,
    ) -> Result<Response<ListInputBindingsResponse>, Status> {
        Ok(Response::new(ListInputBindingsResponse {
            bindings: vec![REMINDER_CRON_BINDING.to_owned()],
        }))
    }

    async fn on_binding_event(
        &self,
        request: Request<BindingEventRequest>,
    ) -> Result<Response<BindingEventResponse>, Status> {
        let request = request.into_inner();
        if request.name != REMINDER_CRON_BINDING {
            return Err(Status::not_found(format!(
                "no input binding named {:?}",
                request.name
            )));
        }
        match &self.cron {
            Some(handler) => handler.run().await.map_err(Status::unavailable)?,
            None => tracing::info!("reminder-cron fired; there is no reminder sweep to run"),
        }
        Ok(Response::new(BindingEventResponse::default()))
    }

    async fn on_bulk_topic_event(
        &self,
        request: Request<TopicEventBulkRequest>,
    ) -> Result<Response<TopicEventBulkResponse>, Status> {
        let request = request.into_inner();
        let mut statuses = Vec::with_capacity(request.entries.len());
        let mut delivered = Vec::with_capacity(request.entries.len());
        for entry in &request.entries {
            match event_from_bulk_entry(entry) {
                Ok(event) => delivered.push((entry.entry_id.clone(), event)),
                Err(error) => {
                    let dropped = self.dispatcher.count_drop(&request.topic);
                    tracing::error!(topic = %request.topic, entry_id = %entry.entry_id, %error, dropped_total = dropped, "malformed event dropped");
                    statuses.push(bulk_status(&entry.entry_id, TopicEventResponseStatus::Drop));
                }
            }
        }
        let events: Vec<CloudEvent> = delivered.iter().map(|(_, event)| event.clone()).collect();
        let outcome = self
            .dispatcher
            .dispatch_batch(&request.topic, &events)
            .await;
        statuses.extend(delivered.iter().map(|(entry_id, event)| {
            let status = match &outcome {
                BatchOutcome::Retry => TopicEventResponseStatus::Retry,
                BatchOutcome::Applied { dropped } if dropped.contains(&event.id) => {
                    TopicEventResponseStatus::Drop
                }
                BatchOutcome::Applied { .. } => TopicEventResponseStatus::Success,
            };
            bulk_status(entry_id, status)
        }));
        Ok(Response::new(TopicEventBulkResponse { statuses }))
    }

    async fn on_job_event(
        &self,
        _request: Request<JobEventRequest>,
    ) -> Result<Response<JobEventResponse>, Status> {
        Err(Status::unimplemented("this app schedules no Dapr jobs"))
    }
}
