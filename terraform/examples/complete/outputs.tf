output "api_endpoint" {
  description = "Base URL of the REST API."
  value       = module.appliance.api_endpoint
}

output "auth_key_arn" {
  description = "eif-build/build.sh --auth-key-id"
  value       = module.appliance.auth_key_arn
}

output "exec_key_arn" {
  description = "eif-build/build.sh --exec-key-id"
  value       = module.appliance.exec_key_arn
}

output "region" {
  description = "eif-build/build.sh --region"
  value       = module.appliance.region
}

output "account_id" {
  description = "eif-build/build.sh --account-id"
  value       = module.appliance.account_id
}

output "deployment_id" {
  description = "eif-build/build.sh --deployment-id"
  value       = module.appliance.deployment_id
}

output "public_base_url" {
  description = "eif-build/build.sh --public-base-url"
  value       = module.appliance.public_base_url
}

output "eif_build_command" {
  description = "The EIF build for this deployment (add --export-quorum M:KEY1,... to allow exporting app-owned wallets, and --signing-cert/--signing-key for PCR8)."
  value = join(" ", [
    "eif-build/build.sh",
    "--auth-key-id", module.appliance.auth_key_arn,
    "--exec-key-id", module.appliance.exec_key_arn,
    "--region", module.appliance.region,
    "--account-id", module.appliance.account_id,
    "--deployment-id", module.appliance.deployment_id,
    "--public-base-url", module.appliance.public_base_url,
  ])
}

output "db_endpoint" {
  description = "PostgreSQL endpoint (private)."
  value       = module.appliance.db_endpoint
}

output "autoscaling_group_name" {
  description = "Auto Scaling group of the parent instances."
  value       = module.appliance.autoscaling_group_name
}
