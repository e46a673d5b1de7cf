window.SPEC_SEARCH = [
  { "t": "Add login", "u": "changes/add-login.html" },
  { "t": "hash#tag ü", "u": "changes/hash%23tag%20%C3%BC.html" },
  { "t": "Auth", "u": "specs/auth.html#requirement-login" }
];
