//! The append-only audit trail: typed actions, written in the transaction of the change they record.

use crate::domain::code::code_enum;
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::ids::{MunicipalityId, PoliceDistrictId, UserId};
use crate::domain::lookup::{Lookup, Purpose};

code_enum! {
    /// Every action the audit trail knows. Stored as its snake_case name.
    pub enum AuditAction {
        Login => "login",
        LoginFailed => "login_failed",
        LoginLocked => "login_locked",
        Logout => "logout",
        SessionExpired => "session_expired",
        UserCreated => "user_created",
        UserUpdated => "user_updated",
        UserDisabled => "user_disabled",
        UserEnabled => "user_enabled",
        PasswordChanged => "password_changed",
        UserListViewed => "user_list_viewed",
        AccessLogViewed => "access_log_viewed",
        ConcernFiled => "concern_filed",
        ConcernViewed => "concern_viewed",
        ConcernForwarded => "concern_forwarded",
        ConcernReturned => "concern_returned",
        ConcernResubmitted => "concern_resubmitted",
        ConcernAddendumAdded => "concern_addendum_added",
        ConcernLinked => "concern_linked",
        ConcernStatusLookedUp => "concern_status_looked_up",
        CaseOpened => "case_opened",
        CaseViewed => "case_viewed",
        CaseListViewed => "case_list_viewed",
        OwnConcernsViewed => "own_concerns_viewed",
        PasswordLinkIssued => "password_link_issued",
        PasswordSet => "password_set",
        RoleGrantRequested => "role_grant_requested",
        RoleGrantApproved => "role_grant_approved",
        RoleGrantRejected => "role_grant_rejected",
        CaseMoved => "case_moved",
        CaseTeamChanged => "case_team_changed",
        CaseReopened => "case_reopened",
        ScreeningRecorded => "screening_recorded",
        TriageRecorded => "triage_recorded",
        TriageProposed => "triage_proposed",
        TriageConfirmed => "triage_confirmed",
        TriageObjected => "triage_objected",
        AssessmentRecorded => "assessment_recorded",
        ActionPlanSaved => "action_plan_saved",
        InterventionSaved => "intervention_saved",
        ReviewRecorded => "review_recorded",
        PostClosureReviewDone => "post_closure_review_done",
        CaseClosed => "case_closed",
        QueueViewed => "queue_viewed",
        StatisticsViewed => "statistics_viewed",
        StatisticsDownloaded => "statistics_downloaded",
        UnitCountsViewed => "unit_counts_viewed",
        AlertSettingsChanged => "alert_settings_changed",
        OutboxViewed => "outbox_viewed",
        /// Everything a user held moved to a colleague (on the one who left).
        WorkHandedOver => "work_handed_over",
        /// The same handover, on the colleague who took it over.
        WorkTakenOver => "work_taken_over",
        /// The person's name and address protection or the case's journal number changed.
        CaseDetailsChanged => "case_details_changed",
        /// A coordinator postponed a case's deletion.
        RetentionExtended => "retention_extended",
        /// A coordinator looked at the cases due for deletion.
        RetentionListViewed => "retention_list_viewed",
        /// A purge ran; its counts are in `detail`.
        PurgeRun => "purge_run",
        /// A coordinator searched for a person by CPR number for an access request (the
        /// criterion in `search`, the stated purpose in `detail`).
        AccessRequestSearched => "access_request_searched",
        /// The same, downloaded as JSON.
        AccessRequestExported => "access_request_exported",
        /// The receipt of a notification under Barnets lov was confirmed.
        NotificationReceiptConfirmed => "notification_receipt_confirmed",
        /// A disclosure from the case was entered in its register.
        DisclosureRecorded => "disclosure_recorded",
        /// A session was ended from "Min konto", or all of a user's by an admin.
        SessionEnded => "session_ended",
        /// "Min konto": a password change with a wrong current password.
        PasswordChangeFailed => "password_change_failed",
        SecondFactorEnrolled => "second_factor_enrolled",
        SecondFactorFailed => "second_factor_failed",
        SecondFactorReset => "second_factor_reset",
        RecoveryCodeUsed => "recovery_code_used",
        IdentityLinked => "identity_linked",
        MeetingListViewed => "meeting_list_viewed",
        /// A meeting's page; the cases whose items it showed are in `shown`, so that each
        /// counts as a read of that case in its access log.
        MeetingViewed => "meeting_viewed",
        /// The agenda or minutes printed, the same way.
        MeetingPrinted => "meeting_printed",
        /// Planned, moved on, or its agenda, people, minutes or actions changed (`detail`).
        MeetingChanged => "meeting_changed",
        /// The municipality's plan was revised (its dates in `detail`).
        PlanRevised => "plan_revised",
        AwarenessSessionRecorded => "awareness_session_recorded",
        /// The steering group's printable quarterly pack.
        StatisticsPrinted => "statistics_printed",
    }
}

code_enum! {
    pub enum ObjectType {
        User => "user",
        Concern => "concern",
        Case => "case",
        Municipality => "municipality",
        PoliceDistrict => "police_district",
        Unit => "unit",
        Meeting => "meeting",
    }
}

/// One audit row. Build with [`AuditEvent::new`] and the setters, then [`record`] it.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub actor: Option<UserId>,
    pub object: Option<(ObjectType, Uuid)>,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub request_id: Option<String>,
    /// The objects a list page showed.
    pub shown: Vec<Uuid>,
    /// A list's search criterion (`CaseSearch::audit_criterion`), or the search a look at a
    /// case came from.
    pub search: Option<String>,
    /// Why a case was looked at: where the look came from.
    pub purpose: Option<Purpose>,
    /// Counts and the like, never a person (a purge's report).
    pub detail: Option<serde_json::Value>,
}

impl AuditEvent {
    pub fn new(action: AuditAction) -> AuditEvent {
        AuditEvent {
            action,
            actor: None,
            object: None,
            municipality_id: None,
            police_district_id: None,
            request_id: None,
            shown: Vec::new(),
            search: None,
            purpose: None,
            detail: None,
        }
    }

    /// Something the actor did to a user's account, in the account's municipality or district.
    pub fn on_user(
        action: AuditAction,
        actor: UserId,
        user: &crate::store::users::User,
        request_id: &str,
    ) -> AuditEvent {
        AuditEvent::new(action)
            .by(actor)
            .on(ObjectType::User, user.id.0)
            .in_municipality(user.municipality_id)
            .in_district(user.police_district_id)
            .request(request_id)
    }

    pub fn by(mut self, actor: UserId) -> Self {
        self.actor = Some(actor);
        self
    }

    pub fn on(mut self, object_type: ObjectType, id: Uuid) -> Self {
        self.object = Some((object_type, id));
        self
    }

    pub fn in_municipality(mut self, id: Option<MunicipalityId>) -> Self {
        self.municipality_id = id;
        self
    }

    pub fn in_district(mut self, id: Option<PoliceDistrictId>) -> Self {
        self.police_district_id = id;
        self
    }

    /// The ids of the cases or concerns a list showed.
    pub fn searching(mut self, criterion: Option<String>) -> Self {
        self.search = criterion;
        self
    }

    /// A look at a case, with its purpose (and a search's criterion).
    pub fn looked_up(mut self, lookup: Lookup) -> Self {
        self.purpose = Some(lookup.purpose);
        self.search = lookup.criterion;
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }

    pub fn showing(mut self, ids: impl IntoIterator<Item = Uuid>) -> Self {
        self.shown = ids.into_iter().collect();
        self
    }

    pub fn request(mut self, request_id: &str) -> Self {
        self.request_id = Some(request_id.to_owned());
        self
    }
}

pub async fn record(
    db: impl PgExecutor<'_>,
    event: &AuditEvent,
    at: OffsetDateTime,
) -> sqlx::Result<()> {
    let (object_type, object_id) = match event.object {
        Some((t, id)) => (Some(t.as_str()), Some(id)),
        None => (None, None),
    };
    sqlx::query!(
        r#"insert into audit_events
               (occurred_at, actor_user_id, action, object_type, object_id,
                municipality_id, police_district_id, request_id, shown_ids, search, purpose,
                detail)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"#,
        at,
        event.actor as Option<UserId>,
        event.action.as_str(),
        object_type,
        object_id,
        event.municipality_id as Option<MunicipalityId>,
        event.police_district_id as Option<PoliceDistrictId>,
        event.request_id.as_deref(),
        &event.shown,
        event.search.as_deref(),
        event.purpose.map(Purpose::as_str),
        event.detail,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How far ahead the audit trail's monthly partitions are made: a year, so that a job that
/// stops running for months still leaves every insert its partition.
pub const PARTITIONS_AHEAD_MONTHS: u8 = 12;

/// Makes the audit trail's missing monthly partitions from `from`'s month through `until`'s
/// (`infohus_audit_partitions`, which runs as the schema's owner: the app's role cannot create
/// tables); returns how many it made. A month whose rows already went to the default partition
/// is left to it rather than failing.
pub async fn make_partitions(
    db: impl PgExecutor<'_>,
    from: time::Date,
    until: time::Date,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        r#"select infohus_audit_partitions($1, $2) as "made!""#,
        from,
        until
    )
    .fetch_one(db)
    .await
}
