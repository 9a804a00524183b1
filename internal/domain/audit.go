package domain

// Audit actions for returns: "return_" and the submission's status.
const (
	AuditReturnStored          = "return_" + StatusStored
	AuditReturnRejected        = "return_" + StatusRejected
	AuditReturnAwaiting        = "return_" + StatusAwaiting
	AuditReturnUnchanged       = "return_" + StatusUnchanged
	AuditReturnSuperseded      = "return_" + StatusSuperseded
	AuditReturnExplainedInPart = "return_explained_in_part"
	// AuditUploadLost is an upload whose server stopped before it
	// finished: nothing from it was stored.
	AuditUploadLost = "return_upload_lost"
)

// auditActionWords is the one map from an audit action's code to the
// words people read on the audit page, in the order its filter lists
// them.
var auditActionWords = []struct{ Code, Words string }{
	{AuditSignIn, "Signed in"},
	{AuditSignInFailed, "Sign-in failed"},
	{AuditSignOut, "Signed out"},
	{AuditPasswordChanged, "Password changed"},
	{AuditPasswordReset, "Password reset by an administrator"},
	{AuditUserAdded, "Account added"},
	{AuditUserChanged, "Role or council changed"},
	{AuditUserDisabled, "Account disabled"},
	{AuditUserEnabled, "Account enabled"},
	{AuditReturnStored, "Return stored"},
	{AuditReturnRejected, "Return not accepted (errors)"},
	{AuditReturnAwaiting, "Return waiting for explanations"},
	{AuditReturnExplainedInPart, "Return queries explained in part"},
	{AuditReturnUnchanged, "Return identical to the one held"},
	{AuditReturnSuperseded, "Return replaced by a later upload"},
	{AuditUploadLost, "Upload stopped with its server (nothing stored)"},
	{AuditAssessmentDraft, "Self-assessment draft saved"},
	{AuditAssessmentSubmitted, "Self-assessment submitted"},
	{AuditFrameworkChanged, "Framework changed"},
	{AuditTimelineAdded, "Timeline event added"},
	{AuditTimelineChanged, "Timeline event changed"},
	{AuditTimelineDeleted, "Timeline event deleted"},
}

// AuditActionWords names an audit action for people ("Return stored");
// an action it does not know is shown with its underscores as spaces.
func AuditActionWords(code string) string {
	for _, a := range auditActionWords {
		if a.Code == code {
			return a.Words
		}
	}
	b := []byte(code)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	if len(b) > 0 && b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

// AuditActions lists every audit action's code, for the audit page's
// filter.
func AuditActions() []string {
	out := make([]string, len(auditActionWords))
	for i, a := range auditActionWords {
		out[i] = a.Code
	}
	return out
}
