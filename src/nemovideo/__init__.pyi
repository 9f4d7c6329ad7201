"""nemovideo: the Python SDK for the NemoVideo agent API.

The one list of public names: type checkers read it as the package's interface,
and ``__init__.py`` reads it at run time to load each name on first use.
"""

from ._async.client import AsyncNemoVideo as AsyncNemoVideo
from ._async.render import AsyncRender as AsyncRender
from ._async.session import AsyncSession as AsyncSession
from ._async.turn import AsyncTurn as AsyncTurn
from ._config import Attribution as Attribution
from ._config import Settings as Settings
from ._limits import ResponseLimits as ResponseLimits
from ._logging import RedactingFilter as RedactingFilter
from ._protocol.retry import RetryEvent as RetryEvent
from ._protocol.turn_policy import TurnPolicy as TurnPolicy
from ._sync.client import NemoVideo as NemoVideo
from ._sync.render import Render as Render
from ._sync.session import Session as Session
from ._sync.turn import Turn as Turn
from ._version import __version__ as __version__
from .errors import AgentError as AgentError
from .errors import APIConnectionError as APIConnectionError
from .errors import APIError as APIError
from .errors import APITimeoutError as APITimeoutError
from .errors import AuthenticationError as AuthenticationError
from .errors import BadRequestError as BadRequestError
from .errors import ConfigurationError as ConfigurationError
from .errors import DownloadError as DownloadError
from .errors import DownloadLimitError as DownloadLimitError
from .errors import ExportBlockedError as ExportBlockedError
from .errors import FileTooLargeError as FileTooLargeError
from .errors import InsufficientCreditsError as InsufficientCreditsError
from .errors import InvalidResponseError as InvalidResponseError
from .errors import MissingClientIdError as MissingClientIdError
from .errors import NemoVideoError as NemoVideoError
from .errors import NotFoundError as NotFoundError
from .errors import NotReadyError as NotReadyError
from .errors import NotSettledError as NotSettledError
from .errors import PaymentRequiredError as PaymentRequiredError
from .errors import RankingNotFoundError as RankingNotFoundError
from .errors import RateLimitError as RateLimitError
from .errors import RenderFailedError as RenderFailedError
from .errors import RenderTimeoutError as RenderTimeoutError
from .errors import RequestTimeoutError as RequestTimeoutError
from .errors import ResponseTooLargeError as ResponseTooLargeError
from .errors import ServerError as ServerError
from .errors import SessionNotFoundError as SessionNotFoundError
from .errors import TurnError as TurnError
from .errors import TurnInProgressError as TurnInProgressError
from .errors import TurnLostError as TurnLostError
from .errors import TurnTimeoutError as TurnTimeoutError
from .errors import UnsupportedFileTypeError as UnsupportedFileTypeError
from .errors import UploadError as UploadError
from .errors import WorkerError as WorkerError
from .models.changes import Change as Change
from .models.credits import Credits as Credits
from .models.draft import Draft as Draft
from .models.draft import Segment as Segment
from .models.draft import Track as Track
from .models.draft import TrackType as TrackType
from .models.events import AgentCrash as AgentCrash
from .models.events import AgentErrorEvent as AgentErrorEvent
from .models.events import AgentEvent as AgentEvent
from .models.events import Heartbeat as Heartbeat
from .models.events import StateDelta as StateDelta
from .models.events import TextEvent as TextEvent
from .models.events import ToolCall as ToolCall
from .models.events import ToolResult as ToolResult
from .models.events import UnknownEvent as UnknownEvent
from .models.leaderboard import Leaderboard as Leaderboard
from .models.leaderboard import LeaderboardEntry as LeaderboardEntry
from .models.progress import WorkflowProgress as WorkflowProgress
from .models.render import RenderState as RenderState
from .models.render import RenderStatus as RenderStatus
from .models.reply import Reply as Reply
from .models.state import SessionState as SessionState
from .models.token import TokenStatus as TokenStatus
from .models.upload import Upload as Upload

__all__: list[str]
