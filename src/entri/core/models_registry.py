"""Imports every models module so `Base.metadata` is complete (Alembic, tests)."""

from entri.activity import models as _activity  # noqa: F401
from entri.auth import models as _auth  # noqa: F401
from entri.compat import models as _compat  # noqa: F401
from entri.files import models as _files  # noqa: F401
from entri.glossary import models as _glossary  # noqa: F401
from entri.jobs import models as _jobs  # noqa: F401
from entri.keys import models as _keys  # noqa: F401
from entri.memory import models as _memory  # noqa: F401
from entri.organizations import models as _orgs  # noqa: F401
from entri.projects import models as _projects  # noqa: F401
from entri.suggestions import models as _suggestions  # noqa: F401
from entri.tokens import models as _tokens  # noqa: F401
from entri.translations import models as _translations  # noqa: F401
from entri.webhooks import models as _webhooks  # noqa: F401
