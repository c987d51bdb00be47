// Last line of defence: a rendering bug shows what happened and a way back instead of a
// blank window.
import { Component, type ErrorInfo, type ReactNode } from "react";

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("CSP Desk page failed", error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error" role="alert">
        <p>This page failed to show ({this.state.error.message}). Your data is safe.</p>
        <button
          type="button"
          onClick={() => {
            window.location.hash = "#/accounts";
            this.setState({ error: null });
          }}
        >
          Go to Accounts
        </button>
      </div>
    );
  }
}
