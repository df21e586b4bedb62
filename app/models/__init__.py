"""The database models, one module a concept, and the rules that belong to them."""

from app.models.actor_key import ActorKey, RetiredKey
from app.models.alert import Alert
from app.models.api_token import ApiToken
from app.models.blocks import Block
from app.models.domain_block import DomainBlock
from app.models.email_change import EmailChange
from app.models.follow_request import FollowRequest
from app.models.followers import followers
from app.models.inbox_activity import InboxActivity
from app.models.instance_key import InstanceKey
from app.models.login_session import LoginSession
from app.models.lookups import load_user, profile_by_username, user_by_username
from app.models.message import Message
from app.models.moderation import ModerationLog
from app.models.notification import Notification
from app.models.passkey import Passkey
from app.models.passwords import password_hasher, spend_password_check_time
from app.models.post import Post
from app.models.post_edit import PostEdit
from app.models.post_image import PostImage
from app.models.profile import normalize_email
from app.models.remote_actor import ActorDomain, RemoteActor
from app.models.report import Report
from app.models.reserved_username import ReservedUsername
from app.models.security_event import SecurityEvent, record_security_event
from app.models.tag import Tag, post_tag
from app.models.task import Task
from app.models.tombstone import Tombstone
from app.models.two_factor import RecoveryCode, TwoFactor
from app.models.two_factor_setup import TwoFactorSetup
from app.models.types import UTCDateTime, utcnow
from app.models.user import User
from app.models.user_domain_block import UserDomainBlock
from app.models.username import normalize_username

__all__ = [
    "ActorKey",
    "FollowRequest",
    "InboxActivity",
    "InstanceKey",
    "ActorDomain",
    "RemoteActor",
    "Alert",
    "ApiToken",
    "Block",
    "DomainBlock",
    "UserDomainBlock",
    "RetiredKey",
    "ModerationLog",
    "Report",
    "EmailChange",
    "LoginSession",
    "Message",
    "Notification",
    "Passkey",
    "Task",
    "Tombstone",
    "TwoFactor",
    "TwoFactorSetup",
    "RecoveryCode",
    "Post",
    "PostEdit",
    "PostImage",
    "ReservedUsername",
    "SecurityEvent",
    "Tag",
    "User",
    "UTCDateTime",
    "followers",
    "load_user",
    "normalize_email",
    "normalize_username",
    "post_tag",
    "password_hasher",
    "profile_by_username",
    "record_security_event",
    "spend_password_check_time",
    "user_by_username",
    "utcnow",
]
