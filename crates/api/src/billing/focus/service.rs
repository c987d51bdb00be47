//! Microsoft products in FOCUS 1.2's service taxonomy: a `ServiceCategory` and one of its
//! `ServiceSubcategory` values. FOCUS names the pairs (the validator refuses any other), and
//! each service name must keep one subcategory, so the mapping reads only the name.

/// FOCUS `ServiceCategory` and `ServiceSubcategory` of a Microsoft product or meter category.
pub fn service_class(product: &str) -> (&'static str, &'static str) {
    let p = product.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| p.contains(w));
    if has(&["virtual machine"]) {
        ("Compute", "Virtual Machines")
    } else if has(&["container", "kubernetes"]) {
        ("Compute", "Containers")
    } else if has(&["functions"]) {
        ("Compute", "Serverless Compute")
    } else if has(&["virtual desktop", "windows 365"]) {
        ("Compute", "End User Computing")
    } else if has(&["compute", "batch"]) {
        ("Compute", "Other (Compute)")
    } else if has(&["app service"]) {
        ("Web", "Application Platforms")
    } else if has(&["backup"]) {
        ("Storage", "Backup Storage")
    } else if has(&["disk"]) {
        ("Storage", "Block Storage")
    } else if has(&["storage"]) {
        ("Storage", "Other (Storage)")
    } else if has(&["cdn", "front door"]) {
        ("Networking", "Content Delivery")
    } else if has(&["dns"]) {
        ("Networking", "Network Routing")
    } else if has(&["bandwidth", "network", "gateway", "load balancer"]) {
        ("Networking", "Other (Networking)")
    } else if has(&["redis"]) {
        ("Databases", "Caching")
    } else if has(&["cosmos"]) {
        ("Databases", "NoSQL Databases")
    } else if has(&["sql", "mysql", "postgres"]) {
        ("Databases", "Relational Databases")
    } else if has(&["database"]) {
        ("Databases", "Other (Databases)")
    } else if has(&["key vault"]) {
        ("Security", "Secret Management")
    } else if has(&["defender", "sentinel"]) {
        ("Security", "Threat Detection and Response")
    } else if has(&["security"]) {
        ("Security", "Other (Security)")
    } else if has(&["monitor", "log analytics", "insights"]) {
        ("Management and Governance", "Observability")
    } else if has(&["automation"]) {
        (
            "Management and Governance",
            "Other (Management and Governance)",
        )
    } else if has(&["openai"]) {
        ("AI and Machine Learning", "Generative AI")
    } else if has(&["machine learning"]) {
        ("AI and Machine Learning", "Machine Learning")
    } else if has(&["cognitive", "ai "]) {
        ("AI and Machine Learning", "Other (AI and Machine Learning)")
    } else if has(&["microsoft 365", "office", "exchange", "teams"]) {
        ("Business Applications", "Productivity and Collaboration")
    } else if has(&["dynamics"]) {
        ("Business Applications", "Other (Business Applications)")
    } else if has(&["entra", "active directory"]) {
        ("Identity", "Identity and Access Management")
    } else {
        ("Other", "Other (Other)")
    }
}

#[cfg(test)]
mod tests {
    use super::service_class;

    #[test]
    fn products_fall_in_focus_pairs() {
        assert_eq!(
            service_class("Virtual Machines"),
            ("Compute", "Virtual Machines")
        );
        assert_eq!(
            service_class("Microsoft 365 Business Basic"),
            ("Business Applications", "Productivity and Collaboration")
        );
        assert_eq!(
            service_class("Azure SQL Database"),
            ("Databases", "Relational Databases")
        );
        assert_eq!(service_class("Service fee"), ("Other", "Other (Other)"));
    }
}
